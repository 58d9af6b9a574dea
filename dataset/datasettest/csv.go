package datasettest

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/chexpert"
)

func ids(im Image) (string, string, string) {
	return im.DicomID, strconv.FormatInt(im.SubjectID, 10), strconv.FormatInt(im.StudyID, 10)
}

// segmentedRows puts DicomPath first and the labels in the labeler's order:
// the build writes ids first and labels alphabetically, so only readers
// that match by name read both alike.
func segmentedRows(ims []Image) [][]string {
	header := append([]string{"DicomPath", "dicom_id", "study_id", "subject_id"}, chexpert.LabelerOrder[:]...)
	rows := [][]string{header}
	for _, im := range ims {
		d, su, st := ids(im)
		row := []string{im.ImageRel(), d, st, su}
		for _, name := range chexpert.LabelerOrder {
			row = append(row, im.Labels[name])
		}
		rows = append(rows, row)
	}
	return rows
}

// splitRows lists images in reverse order.
func splitRows(ims []Image) [][]string {
	rows := [][]string{{"dicom_id", "subject_id", "study_id", "split"}}
	for i := len(ims) - 1; i >= 0; i-- {
		d, su, st := ids(ims[i])
		rows = append(rows, []string{d, su, st, ims[i].Split})
	}
	return rows
}

// maskRows lists odd images first, then even ones.
func maskRows(ims []Image) [][]string {
	rows := [][]string{{"dicom_id", "subject_id", "study_id", "DicomPath"}}
	for pass := 1; pass >= 0; pass-- {
		for i := pass; i < len(ims); i += 2 {
			d, su, st := ids(ims[i])
			rows = append(rows, []string{d, su, st, ims[i].MaskRel()})
		}
	}
	return rows
}

func metadataRows(ims []Image) [][]string {
	rows := [][]string{{"dicom_id", "subject_id", "study_id", "PerformedProcedureStepDescription",
		"ViewPosition", "Rows", "Columns", "StudyDate", "StudyTime",
		"ProcedureCodeSequence_CodeMeaning", "ViewCodeSequence_CodeMeaning",
		"PatientOrientationCodeSequence_CodeMeaning", "Reports", "DicomPath"}}
	for k := range ims {
		im := ims[(k+len(ims)/2)%len(ims)] // rotated by half: rows in another order
		d, su, st := ids(im)
		view := "postero-anterior"
		if im.View == "AP" {
			view = "antero-posterior"
		}
		rows = append(rows, []string{d, su, st, "CHEST (PA AND LAT)", im.View, "3056", "2544",
			fmt.Sprintf("218%d0101", k), "80556.875", "CHEST (PA AND LAT)", view, "Erect",
			im.Report, im.ImageRel()})
	}
	return rows
}

func qaRows(ims []Image) [][]string {
	rows := [][]string{{"dicom_id", "subject_id", "study_id", "DicomPath", "mean_prob", "fg_fraction",
		"components", "left_area", "right_area", "lr_ratio", "left_bbox", "right_bbox", "raw_components", "est_dice", "flags"}}
	for _, im := range ims {
		d, su, st := ids(im)
		area := int(math.Round(im.FGFraction * 224 * 224))
		left, right := 0, 0
		lbox, rbox := "", ""
		switch im.Lungs {
		case 2:
			left, right = area/2+100, area-area/2-100
			lbox, rbox = "126 40 196 190", "28 40 98 190"
		case 1:
			right = area
			rbox = "28 40 98 190"
		}
		ratio := ""
		if right > 0 {
			ratio = strconv.FormatFloat(float64(left)/float64(right), 'f', 4, 64)
		}
		rows = append(rows, []string{d, su, st, im.ImageRel(),
			strconv.FormatFloat(im.MeanProb, 'f', 4, 64), strconv.FormatFloat(im.FGFraction, 'f', 4, 64),
			strconv.Itoa(im.Lungs), strconv.Itoa(left), strconv.Itoa(right), ratio, lbox, rbox,
			strconv.Itoa(im.Lungs), strconv.FormatFloat(im.EstDice, 'f', 4, 64), im.Flags})
	}
	return rows
}

func exclusionRows() [][]string {
	return [][]string{
		{"dicom_id", "subject_id", "study_id", "reason", "detail"},
		{"9f000001-00000000-00000000-00000000-00000001", "10000099", "50999999", "no_report", "study has no report file"},
		{"9f000002-00000000-00000000-00000000-00000002", "10000099", "50999998", "corrupt_jpeg", `decode: "unexpected EOF", <truncated> & skipped`},
		{"9f000003-00000000-00000000-00000000-00000003", "10000100", "50999997", "not_frontal", "ViewPosition LATERAL"},
	}
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("datasettest: %w", err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("datasettest: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("datasettest: %w", err)
	}
	return nil
}

func writeManifest(path string, ims []Image) error {
	m := map[string]any{
		"tool":       "cxlseg",
		"status":     "complete",
		"version":    "0.0.0-test",
		"model":      map[string]any{"sha256": "0123456789abcdef", "architecture": "saunet", "base": 16},
		"started":    "2026-01-02T03:04:05Z",
		"finished":   "2026-01-02T03:05:06Z",
		"parameters": map[string]any{"split": "cxlseg", "seed": 1, "labels": "chexpert"},
		"counts":     map[string]any{"images": len(ims), "excluded": 3},
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("datasettest: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("datasettest: %w", err)
	}
	return nil
}
