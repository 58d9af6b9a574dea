package sample

import (
	"bytes"
	"fmt"
	"image/png"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/cxlseg/cxlseg/internal/imgproc/jpegenc"
)

// PhantomQuality is the JPEG quality of phantoms, MIMIC-CXR-JPG's.
const PhantomQuality = 95

// plannedPhantom is a phantom study before its pixels exist.
type plannedPhantom struct {
	params PhantomParams
	study  *plannedStudy
}

// planPhantoms draws n phantom studies (ids, dates, parameters, report,
// labels) from seed. Pixels are rendered later, in parallel.
func planPhantoms(n int, seed uint64, used map[string]bool) []plannedPhantom {
	ids := newIDGen(seed^0x7068616e746f6d, used) // "phantom"
	r := rand.New(rand.NewPCG(seed, 3))
	out := make([]plannedPhantom, n)
	for k := range out {
		p := RandomPhantom(r)
		s := &plannedStudy{subject: ids.subject(), study: ids.study(), procedure: "CHEST (PA AND LAT)"}
		s.date, s.time = ids.dateTime()
		switch v := r.IntN(10); {
		case v == 0:
			s.split = "validate"
		case v == 1:
			s.split = "test"
		default:
			s.split = "train"
		}
		s.report, s.chexpert = phantomReport(p, r.IntN(8))
		im := plannedImage{dicom: ids.dicom(), view: "PA", rows: PhantomHeight, cols: PhantomWidth,
			source: "phantom", expect: ExpectSelected}
		im.viewCode, im.orientation = viewInfo("PA")
		s.images = []plannedImage{im}
		out[k] = plannedPhantom{params: p, study: s}
	}
	return out
}

// phantomReport writes a report and chexpert labels that describe what
// the phantom shows. style varies the layout: 0 findings only, 1 old
// style impression only, otherwise the modern full layout.
func phantomReport(p PhantomParams, style int) ([]byte, map[string]string) {
	labels := map[string]string{}
	var findings, impression []string
	if p.Opacity > 0 {
		// The patient's right is on the image's left.
		side := "right"
		if p.OpacityX > 0.5 {
			side = "left"
		}
		zone := "lower"
		switch {
		case p.OpacityY < 0.38:
			zone = "upper"
		case p.OpacityY < 0.47:
			zone = "mid"
		}
		findings = append(findings, fmt.Sprintf("There is a focal opacity in the %s %s lung.", side, zone))
		impression = append(impression, fmt.Sprintf("%s %s lung opacity, concerning for pneumonia.", capitalise(side), zone))
		labels["Lung Opacity"] = "1.0"
		labels["Pneumonia"] = "-1.0"
	} else {
		findings = append(findings, "The lungs are clear without focal consolidation.")
	}
	if p.Cardiomegaly() {
		findings = append(findings, "The heart is moderately enlarged.")
		impression = append(impression, "Moderate cardiomegaly.")
		labels["Cardiomegaly"] = "1.0"
	} else {
		findings = append(findings, "The cardiomediastinal silhouette is normal.")
	}
	findings = append(findings, "No pleural effusion or pneumothorax.")
	labels["Pleural Effusion"] = "0.0"
	labels["Pneumothorax"] = "0.0"
	if len(impression) == 0 {
		impression = append(impression, "No acute cardiopulmonary process.")
		labels = map[string]string{"No Finding": "1.0"}
	}
	f, imp := join(findings), join(impression)
	switch style {
	case 0:
		return modern("CHEST (PA AND LAT)", "___ with cough", "Chest PA and lateral", "None.", f, ""), labels
	case 1:
		return lines(" HISTORY:  Cough.", " ", " COMPARISON:  None.", " ", " IMPRESSION:  "+imp), labels
	}
	return modern("CHEST (PA AND LAT)", "___ with cough  // eval for pneumonia", "Chest PA and lateral", "None.", f, imp), labels
}

func join(ss []string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(s)
	}
	return b.String()
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// phantomMaskPath is where a phantom's lung mask goes, relative to the
// tree: phantom-masks/ mirrors files/, with .png.
func phantomMaskPath(imagePath string) string {
	rel := imagePath[len("files/"):]
	return "phantom-masks/" + rel[:len(rel)-len(".jpg")] + ".png"
}

// renderPhantoms renders, encodes and writes the phantoms with the given
// number of workers. Each phantom depends only on its own parameters, so
// the bytes do not depend on scheduling.
func renderPhantoms(dir string, ph []plannedPhantom, workers int) error {
	if len(ph) == 0 {
		return nil
	}
	jobs := make(chan int)
	errs := make([]error, len(ph))
	var wg sync.WaitGroup
	for w := 0; w < min(workers, len(ph)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Per-worker encoders and buffers, reused across phantoms.
			// jpegenc encodes like image/jpeg (same tables and quality
			// scaling) without its allocations.
			var jbuf, pbuf bytes.Buffer
			var rd Renderer
			jenc := jpegenc.New(PhantomQuality)
			penc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: new(pngPool)}
			for k := range jobs {
				errs[k] = renderOne(dir, ph[k], &rd, jenc, &jbuf, &pbuf, &penc)
			}
		}()
	}
	for k := range ph {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func renderOne(dir string, p plannedPhantom, rd *Renderer, jenc *jpegenc.Encoder, jbuf, pbuf *bytes.Buffer, penc *png.Encoder) error {
	s := p.study
	im := &s.images[0]
	img, mask := rd.Render(p.params, PhantomWidth, PhantomHeight)
	jbuf.Reset()
	if err := jenc.Gray(jbuf, img); err != nil {
		return fmt.Errorf("encode phantom %s: %w", im.dicom, err)
	}
	pbuf.Reset()
	if err := penc.Encode(pbuf, mask); err != nil {
		return fmt.Errorf("encode phantom mask %s: %w", im.dicom, err)
	}
	rel := imagePath(s.subject, s.study, im.dicom)
	if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(rel)), jbuf.Bytes()); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, filepath.FromSlash(phantomMaskPath(rel))), pbuf.Bytes())
}

// pngPool keeps one png.EncoderBuffer for reuse by one worker.
type pngPool struct{ b *png.EncoderBuffer }

// Get returns the kept buffer, or nil so png allocates one.
func (p *pngPool) Get() *png.EncoderBuffer { b := p.b; p.b = nil; return b }

// Put keeps b for the next Get.
func (p *pngPool) Put(b *png.EncoderBuffer) { p.b = b }

// phantomIndex is phantoms.csv: each phantom's files and what it shows.
func phantomIndex(ph []plannedPhantom) [][]string {
	rows := [][]string{{"dicom_id", "subject_id", "study_id", "image", "mask", "opacity", "cardiomegaly"}}
	for _, p := range ph {
		s := p.study
		im := s.images[0]
		rel := imagePath(s.subject, s.study, im.dicom)
		rows = append(rows, []string{im.dicom, s.subject, s.study, rel, phantomMaskPath(rel),
			strconv.FormatBool(p.params.Opacity > 0), strconv.FormatBool(p.params.Cardiomegaly())})
	}
	return rows
}
