package dataset

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadCSV feeds the same bytes to every CSV reader of the package. None
// may panic; an error must name the file; what a reader accepts must pass
// the checks that keep paths inside the dataset. Seeds are committed under
// testdata/fuzz/FuzzReadCSV.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("dicom_id,subject_id,study_id,split\na,1,2,train\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.csv"
		checkErr := func(err error) {
			if err != nil && !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("error %q does not start with the file name", err)
			}
		}
		segs, err := readSegmented(name, bytes.NewReader(data))
		checkErr(err)
		for _, s := range segs {
			if checkDicomID(s.rec.DicomID) != nil || checkRelPath(s.rec.ImageRel) != nil {
				t.Errorf("accepted bad row %+v", s.rec)
			}
			for _, l := range s.rec.Labels {
				if l < Missing || l > Uncertain {
					t.Errorf("label out of range: %d", l)
				}
			}
		}
		_, err = readSplit(name, bytes.NewReader(data))
		checkErr(err)
		masks, err := readMask(name, bytes.NewReader(data))
		checkErr(err)
		if masks != nil {
			for _, ref := range masks.refs {
				switch {
				case masks.format != MaskRLE && checkRelPath(ref.rel) != nil:
					t.Errorf("accepted bad mask path %q", ref.rel)
				case masks.format == MaskRLE && (ref.width < 1 || ref.height < 1 || ref.width > maxMaskSide || ref.height > maxMaskSide):
					t.Errorf("accepted bad mask size %dx%d", ref.width, ref.height)
				}
			}
		}
		_, err = readMetadata(name, bytes.NewReader(data))
		checkErr(err)
		_, err = readQA(name, bytes.NewReader(data))
		checkErr(err)
		_, err = readExclusions(name, bytes.NewReader(data))
		checkErr(err)
	})
}
