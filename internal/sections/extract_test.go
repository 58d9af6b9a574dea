package sections

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestExtractMIMICLayout runs the extractor on hand-written reports in
// MIMIC-CXR's exact file layout (testdata/reports/*.txt: leading space
// on every line, 79-column wraps, centred title, ___ de-identification).
func TestExtractMIMICLayout(t *testing.T) {
	tests := []struct {
		file                                   string
		preamble                               string
		names                                  []string
		impression, findings, last, comparison string
		chosen                                 string
	}{
		{
			file:       "modern.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"examination", "indication", "technique", "comparison", "findings", "impression"},
			impression: "No acute cardiopulmonary process.",
			findings:   "There is no focal consolidation, pleural effusion or pneumothorax. Bilateral nodular opacities that most likely represent nipple shadows. The cardiomediastinal silhouette is normal. Clips project over the left lung, potentially within the breast. The imaged upper abdomen is unremarkable. Chronic deformity of the posterior left sixth and seventh ribs are noted.",
			comparison: "None.",
			chosen:     "No acute cardiopulmonary process.",
		},
		{
			file:       "old_style.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"history", "comparison", "findings", "impression"},
			impression: "No acute cardiopulmonary process.",
			findings:   "PA and lateral views of the chest demonstrate well-expanded lungs. The cardiomediastinal silhouette and hilar contours are normal. There is no pleural effusion or pneumothorax.",
			comparison: "___.",
			chosen:     "No acute cardiopulmonary process.",
		},
		{
			file:       "impression_only.txt",
			preamble:   "FINAL REPORT PORTABLE CHEST OF ___.",
			names:      []string{"history", "comparison", "impression"},
			impression: "1. Right internal jugular central venous catheter terminates in the mid SVC. No pneumothorax. 2. Unchanged moderate cardiomegaly with mild pulmonary vascular congestion.",
			comparison: "Multiple priors, the most recent from ___.",
			chosen:     "1. Right internal jugular central venous catheter terminates in the mid SVC. No pneumothorax. 2. Unchanged moderate cardiomegaly with mild pulmonary vascular congestion.",
		},
		{
			file:       "findings_only.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"examination", "indication", "comparison", "findings"},
			findings:   "Endotracheal tube tip is 4.5 cm above the carina. Enteric tube courses below the diaphragm with the tip out of view. Left basilar opacity likely reflects atelectasis. No large effusion.",
			comparison: "___",
			chosen:     "Endotracheal tube tip is 4.5 cm above the carina. Enteric tube courses below the diaphragm with the tip out of view. Left basilar opacity likely reflects atelectasis. No large effusion.",
		},
		{
			file:       "neither.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"indication", "comparison", "last_paragraph"},
			last:       "Frontal and lateral views of the chest were obtained. The lungs are clear without consolidation or effusion. Heart size is normal. Degenerative changes of the thoracic spine.",
			comparison: "Chest radiograph from ___.",
			chosen:     "Frontal and lateral views of the chest were obtained. The lungs are clear without consolidation or effusion. Heart size is normal. Degenerative changes of the thoracic spine.",
		},
		{
			file:   "no_headers.txt",
			names:  []string{"full report", "last_paragraph"},
			last:   "Single portable view of the chest. Lines and tubes are unchanged. Persistent bibasilar atelectasis without new focal consolidation.",
			chosen: "Single portable view of the chest. Lines and tubes are unchanged. Persistent bibasilar atelectasis without new focal consolidation.",
		},
		{
			file:       "wet_read.txt",
			preamble:   "WET READ: ___ ___ ___ 10:38 PM No acute cardiopulmonary process. ______________________________________________________________________________ FINAL REPORT",
			names:      []string{"examination", "indication", "findings", "impression"},
			impression: "No acute cardiopulmonary process.",
			findings:   "Lungs are clear. No effusion.",
			chosen:     "No acute cardiopulmonary process.",
		},
		{
			file:       "addendum.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"examination", "indication", "findings", "impression", "notification", "addendum"},
			impression: "Right lower lobe pneumonia.",
			findings:   "New right lower lobe opacity.",
			chosen:     "Right lower lobe pneumonia.",
		},
		{
			file:       "misspelled.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"indication", "comparison", "findings", "impression"},
			impression: "Moderate right pleural effusion, increased.",
			findings:   "Moderate right pleural effusion.",
			comparison: "___.",
			chosen:     "Moderate right pleural effusion, increased.",
		},
		{
			file:       "view_header.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"history", "findings", "impression"},
			impression: "Left lower lobe pneumonia.",
			findings:   "There is a new left lower lobe consolidation. No pneumothorax.",
			chosen:     "Left lower lobe pneumonia.",
		},
		{
			file:       "findings_and_impression.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"findings", "impression"},
			impression: "Emphysema. No acute process.",
			findings:   "Lungs are hyperinflated.",
			chosen:     "Emphysema. No acute process.",
		},
		{
			file:       "empty_impression.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"comparison", "findings"},
			findings:   "Heart size is normal. Lungs are clear.",
			comparison: "None.",
			chosen:     "Heart size is normal. Lungs are clear.",
		},
		{
			file:       "empty_both.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"indication", "comparison", "last_paragraph"},
			last:       "Heart size is normal. Lungs are clear.",
			comparison: "___.",
			chosen:     "Heart size is normal. Lungs are clear.",
		},
		{
			file:       "two_impressions.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"impression", "findings", "impression"},
			impression: "Small right apical pneumothorax.",
			findings:   "Small apical pneumothorax on the right.",
			chosen:     "Small right apical pneumothorax.",
		},
		{
			file:       "comparison_only.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"indication", "comparison"},
			comparison: "Compared to ___, the right PICC now ends in the low SVC.",
			chosen:     "Compared to ___, the right PICC now ends in the low SVC.",
		},
		{
			file:       "header_next_line.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"findings", "impression"},
			impression: "Real impression.",
			findings:   "IMPRESSION: Not a header here because of the skip rule.",
			chosen:     "Real impression.",
		},
		{
			file:       "recommendation.txt",
			preamble:   "FINAL REPORT",
			names:      []string{"examination", "impression", "recommendations"},
			impression: "4 mm nodule in the right upper lobe. Follow-up CT in 12 months is recommended.",
			chosen:     "4 mm nodule in the right upper lobe. Follow-up CT in 12 months is recommended.",
		},
		{
			file:  "single_line.txt",
			names: []string{"full report"},
		},
		{
			file:  "empty.txt",
			names: []string{"full report"},
		},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "reports", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			s := Extract(string(data))
			var names []string
			for _, sec := range s.Sections {
				names = append(names, sec.Name)
			}
			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s:\n got %q\nwant %q", what, got, want)
				}
			}
			if !reflect.DeepEqual(names, tc.names) {
				t.Errorf("names: got %q, want %q", names, tc.names)
			}
			check("preamble", s.Preamble, tc.preamble)
			check("impression", s.Impression, tc.impression)
			check("findings", s.Findings, tc.findings)
			check("last_paragraph", s.LastParagraph, tc.last)
			check("comparison", s.Comparison, tc.comparison)
			check("chosen", s.Chosen(), tc.chosen)
		})
	}
	// Every committed report must be covered by the table.
	files, err := filepath.Glob(filepath.Join("testdata", "reports", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no expectations in the table", f)
		}
	}
}

// TestNormaliseName checks the header map, its misspellings and the
// substring and view-phrase fallbacks.
func TestNormaliseName(t *testing.T) {
	tests := map[string]string{
		"IMPRESSION":                        "impression",
		"IMPRESSIONS":                       "impression",
		"IMPRESSON":                         "impression",
		"IMPESSION":                         "impression",
		"CONCLUSION":                        "impression",
		"CONCLUSIONS":                       "impression",
		"SUMMARY":                           "impression",
		"OPINION":                           "impression",
		"FINDINGS AND IMPRESSION":           "impression",
		"FINDINGS/IMPRESSION":               "impression",
		"FINDINGS/ IMPRESSION":              "impression",
		"IMPRESSION AND RECOMMENDATIONS":    "impression",
		"IMPRESSION AND PLAN":               "impression", // substring rule
		"FINDINGS":                          "findings",
		"FINDING":                           "findings",
		"FINDNGS":                           "findings",
		"FINDINS":                           "findings",
		"FINIDNGS":                          "findings",
		"PRIOR FINDINGS":                    "findings", // substring rule
		"PA AND LATERAL VIEWS OF THE CHEST": "findings", // view phrase
		"CHEST, TWO VIEWS":                  "findings",
		"PORTABLE AP":                       "findings",
		"BONE WINDOWS":                      "findings",
		"REASON FOR EXAM":                   "indication",
		"REASON FOR EXAMINATION":            "indication",
		"CLINICAL INDICATION":               "indication",
		"IDICATION":                         "indication",
		"HISTORY":                           "history",
		"CLINICAL HISTORY":                  "history",
		"CLINICAL INFORMATION":              "history",
		"PFI":                               "history",
		"COMPARISON":                        "comparison",
		"COMPARISONS":                       "comparison",
		"COMPARISION":                       "comparison",
		"COMPARSION":                        "comparison",
		"REFERENCE EXAM":                    "comparison",
		"PRIOR":                             "comparison",
		"TECHNIQUE":                         "technique",
		"EXAMINATION":                       "examination",
		"EXAM":                              "examination",
		"TYPE OF EXAMINATION":               "examination",
		"WET READ":                          "wet read",
		"WETREAD":                           "wet read",
		"ADDENDUM":                          "addendum",
		"FINAL ADDENDUM":                    "addendum",
		"RECOMMENDATION(S)":                 "recommendations",
		"NOTIFICATION":                      "notification",
		" HISTORY ":                         "history",
		"DR":                                "dr",
	}
	for in, want := range tests {
		if got := normaliseName(in); got != want {
			t.Errorf("normaliseName(%q) = %q, want %q", in, got, want)
		}
	}
	if n := len(headerVariants); n < 60 {
		t.Errorf("header map has %d variants, want at least 60", n)
	}
}

// TestFormatRoundTrip writes sections in MIMIC's layout and extracts
// them again.
func TestFormatRoundTrip(t *testing.T) {
	long := strings.Repeat("The cardiomediastinal silhouette is within normal limits. ", 6)
	secs := []Section{
		{Name: NameExamination, Header: "EXAMINATION", Text: "CHEST (PA AND LAT)"},
		{Name: NameIndication, Header: "INDICATION", Text: "___M with cough // eval for pneumonia"},
		{Name: NameComparison, Header: "COMPARISON", Text: "___"},
		{Name: NameFindings, Header: "FINDINGS", Text: long + "\n\nNo pneumothorax."},
		{Name: NameImpression, Header: "IMPRESSION", Text: "No acute process."},
	}
	text := Format("", secs)
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if len(line) > LineWidth {
			t.Errorf("line %d longer than %d: %q", i+1, LineWidth, line)
		}
		if i > 0 && !strings.HasPrefix(line, " ") {
			t.Errorf("line %d lacks the leading space: %q", i+1, line)
		}
	}
	if !strings.HasPrefix(text, strings.Repeat(" ", 33)+"FINAL REPORT\n EXAMINATION:  CHEST") {
		t.Errorf("unexpected start:\n%s", text)
	}
	got := Extract(text)
	if got.Findings != normaliseSpace(long+" No pneumothorax.") {
		t.Errorf("findings %q", got.Findings)
	}
	if got.Impression != "No acute process." || got.Comparison != "___" || got.Preamble != "FINAL REPORT" {
		t.Errorf("round trip: %+v", got)
	}
	if len(got.Sections) != len(secs) {
		t.Fatalf("got %d sections, want %d", len(got.Sections), len(secs))
	}
	for i := range secs {
		if got.Sections[i].Name != secs[i].Name || got.Sections[i].Header != secs[i].Header {
			t.Errorf("section %d: got %s/%s, want %s/%s", i, got.Sections[i].Name, got.Sections[i].Header, secs[i].Name, secs[i].Header)
		}
	}
}

func TestNormaliseSpace(t *testing.T) {
	tests := map[string]string{
		"":                      "",
		"  a  b\n c\t\n":        "a b c",
		"a\u00a0\u2003b":        "a b",
		"\xff \xfe":             "\xff \xfe",
		"line one\n line two\n": "line one line two",
	}
	for in, want := range tests {
		if got := normaliseSpace(in); got != want {
			t.Errorf("normaliseSpace(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestChosenPriority checks impression > findings > last_paragraph >
// comparison, skipping empty texts.
func TestChosenPriority(t *testing.T) {
	tests := []struct {
		s    Sections
		want string
	}{
		{Sections{Impression: "i", Findings: "f", LastParagraph: "l", Comparison: "c"}, "i"},
		{Sections{Findings: "f", LastParagraph: "l", Comparison: "c"}, "f"},
		{Sections{LastParagraph: "l", Comparison: "c"}, "l"},
		{Sections{Comparison: "c"}, "c"},
		{Sections{Preamble: "FINAL REPORT"}, ""},
	}
	for _, tc := range tests {
		if got := tc.s.Chosen(); got != tc.want {
			t.Errorf("%+v: Chosen() = %q, want %q", tc.s, got, tc.want)
		}
	}
}
