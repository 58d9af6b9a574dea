package label

import (
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strings"
)

// iuMapping maps the first term of an Indiana University (Open-i) MeSH or
// Problems label to the CheXpert observation it names. Terms are mapped
// only where the meaning is the same; terms with no CheXpert counterpart
// (granuloma, calcinosis, spine, aorta...) are left out, and so are terms
// whose CheXpert meaning is ambiguous ("Surgical Instruments" are mostly
// sternotomy wires and clips, which CheXpert does not call support devices;
// "Density" and "Markings" may or may not be opacities).
var iuMapping = map[string]string{
	"normal":                      "No Finding",
	"Cardiomegaly":                "Cardiomegaly",
	"Pleural Effusion":            "Pleural Effusion",
	"Pulmonary Atelectasis":       "Atelectasis",
	"Opacity":                     "Lung Opacity",
	"Airspace Disease":            "Lung Opacity",
	"Infiltrate":                  "Lung Opacity",
	"Nodule":                      "Lung Lesion",
	"Mass":                        "Lung Lesion",
	"Fractures, Bone":             "Fracture",
	"Pulmonary Edema":             "Edema",
	"Pulmonary Congestion":        "Edema",
	"Pneumothorax":                "Pneumothorax",
	"Pneumonia":                   "Pneumonia",
	"Consolidation":               "Consolidation",
	"Catheters, Indwelling":       "Support Devices",
	"Tube, Inserted":              "Support Devices",
	"Implanted Medical Device":    "Support Devices",
	"Medical Device":              "Support Devices",
	"Stents":                      "Support Devices",
	"Pacemaker, Artificial":       "Support Devices",
	"Defibrillators, Implantable": "Support Devices",
}

// Score is the positive-finding precision, recall and F1 of one label.
type Score struct {
	Label          string
	TP, FP, FN     int
	Precision      float64
	Recall, F1     float64
	Support, Count int // reports with the label in the reference; reports labelled positive
}

// Parts of the IU reports. The rules were written while looking at all
// 1,900 reports; from 2026-12-06 on they are tuned on the dev part only, so
// that the held-out part measures reports the tuning did not see from then
// on. IUPart assigns a report by a hash of its uid (about 30 % held out).
const (
	IUAll     = "all"
	IUDev     = "dev"
	IUHeldOut = "heldout"
)

// IUPart returns IUDev or IUHeldOut for a report's uid.
func IUPart(uid string) string {
	h := fnv.New32a()
	h.Write([]byte(uid))
	if h.Sum32()%10 < 3 {
		return IUHeldOut
	}
	return IUDev
}

// IUResult is the evaluation on the IU reports.
type IUResult struct {
	Part              string // IUAll, IUDev or IUHeldOut
	Reports           int
	UncertainPositive bool    // -1.0 counted as positive
	Scores            []Score // one per mapped label, sorted by name
	MacroF1           float64
}

// EvaluateIU labels the findings and impression of each report of the IU
// X-ray CSV (columns uid, MeSH, findings, impression, found by name) and
// compares the labeler's positives with the mapped MeSH terms. With
// uncertainPositive an uncertain label (-1.0) counts as positive (U-Ones):
// IU's annotators tag findings the report calls likely or possible.
//
// part (IUAll, IUDev or IUHeldOut; empty means all) selects the reports.
func EvaluateIU(r io.Reader, name string, l *Labeler, uncertainPositive bool, part string) (IUResult, error) {
	if part == "" {
		part = IUAll
	}
	if part != IUAll && part != IUDev && part != IUHeldOut {
		return IUResult{}, fmt.Errorf("IU part %q: want all, dev or heldout", part)
	}
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return IUResult{}, fmt.Errorf("read %s header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range []string{"uid", "MeSH", "findings", "impression"} {
		if _, ok := col[c]; !ok {
			return IUResult{}, fmt.Errorf("%s: missing column %q", name, c)
		}
	}
	labels := map[string]bool{}
	for _, v := range iuMapping {
		labels[v] = true
	}
	counts := map[string]*Score{}
	for lab := range labels {
		counts[lab] = &Score{Label: lab}
	}
	n := 0
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return IUResult{}, fmt.Errorf("read %s: %w", name, err)
		}
		if part != IUAll && IUPart(row[col["uid"]]) != part {
			continue
		}
		n++
		truth := map[string]bool{}
		for _, term := range strings.Split(row[col["MeSH"]], ";") {
			first := strings.TrimSpace(strings.SplitN(term, "/", 2)[0])
			if lab, ok := iuMapping[first]; ok {
				truth[lab] = true
			}
		}
		got := l.Label(row[col["findings"]] + "\n\n" + row[col["impression"]])
		for lab, s := range counts {
			v, _ := got.Get(lab)
			pred := v == "1.0" || (uncertainPositive && v == "-1.0")
			switch {
			case pred && truth[lab]:
				s.TP++
			case pred:
				s.FP++
			case truth[lab]:
				s.FN++
			}
		}
	}
	res := IUResult{Part: part, Reports: n, UncertainPositive: uncertainPositive}
	for _, s := range counts {
		s.Support, s.Count = s.TP+s.FN, s.TP+s.FP
		if s.Count > 0 {
			s.Precision = float64(s.TP) / float64(s.Count)
		}
		if s.Support > 0 {
			s.Recall = float64(s.TP) / float64(s.Support)
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		res.Scores = append(res.Scores, *s)
		res.MacroF1 += s.F1
	}
	sort.Slice(res.Scores, func(i, j int) bool { return res.Scores[i].Label < res.Scores[j].Label })
	if len(res.Scores) > 0 {
		res.MacroF1 /= float64(len(res.Scores))
	}
	return res, nil
}

// WriteTable writes the evaluation as a Markdown table.
func (r IUResult) WriteTable(w io.Writer) error {
	var b strings.Builder
	pos := "1.0"
	if r.UncertainPositive {
		pos = "1.0 or -1.0"
	}
	fmt.Fprintf(&b, "IU X-ray reports: %d, part %s (labelled text: findings + impression; positive = %s)\n\n", r.Reports, r.Part, pos)
	b.WriteString("| label | support | predicted | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Scores {
		fmt.Fprintf(&b, "| %s | %d | %d | %.3f | %.3f | %.3f |\n", s.Label, s.Support, s.Count, s.Precision, s.Recall, s.F1)
	}
	fmt.Fprintf(&b, "\nmacro-F1 over %d labels: %.3f\n", len(r.Scores), r.MacroF1)
	_, err := io.WriteString(w, b.String())
	return err
}
