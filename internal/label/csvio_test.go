package label

import (
	"bytes"
	"strings"
	"testing"
)

func TestLabelCSV(t *testing.T) {
	in := "id,Reports\n7,\"No pneumothorax.\n\nSmall left effusion.\"\n8,Cannot exclude pneumonia.\n"
	var out bytes.Buffer
	n, err := New(ModeCheXpert).LabelCSV(strings.NewReader(in), "in.csv", &out, CSVOptions{TextColumn: "Reports", IDColumns: []string{"id"}})
	if err != nil || n != 2 {
		t.Fatalf("LabelCSV = %d, %v", n, err)
	}
	want := "id,Atelectasis,Cardiomegaly,Consolidation,Edema,Enlarged Cardiomediastinum,Fracture,Lung Lesion,Lung Opacity,No Finding,Pleural Effusion,Pleural Other,Pneumonia,Pneumothorax,Support Devices\n" +
		"7,,,,,,,,,,1.0,,,0.0,\n" +
		"8,,,,,,,,,,,,-1.0,,\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestLabelCSVErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"id,Text\n1,x\n", `no column "Reports"`},
		{"id,Reports\n1,x,extra\n", "in.csv line 2: 3 fields"},
		{"", "header"},
	}
	for _, tt := range tests {
		_, err := New(ModeCheXpert).LabelCSV(strings.NewReader(tt.in), "in.csv", &bytes.Buffer{}, CSVOptions{TextColumn: "Reports"})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzLabelCSV(f *testing.F) {
	f.Add("id,Reports\n1,No effusion.\n")
	f.Add("id,Reports\n\"1,\"\"x\n")
	l := New(ModeNegBio)
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		n, err := l.LabelCSV(strings.NewReader(in), "fuzz.csv", &out, CSVOptions{TextColumn: "Reports", IDColumns: []string{"id"}})
		if err == nil && strings.Count(out.String(), "\n") < n+1 {
			t.Fatalf("%d rows labelled but output has %q", n, out.String())
		}
	})
}
