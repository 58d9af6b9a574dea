// Package chexpert holds the names of the 14 CheXpert observations, the label
// vocabulary shared by MIMIC-CXR-JPG's label files, CXLSeg's CSVs and the
// built-in labeler. Labels are always matched by name, never by position.
package chexpert

// Alphabetical lists the 14 labels in the order MIMIC-CXR-JPG's
// chexpert and negbio CSVs use (alphabetical).
var Alphabetical = [14]string{
	"Atelectasis", "Cardiomegaly", "Consolidation", "Edema",
	"Enlarged Cardiomediastinum", "Fracture", "Lung Lesion", "Lung Opacity",
	"No Finding", "Pleural Effusion", "Pleural Other", "Pneumonia",
	"Pneumothorax", "Support Devices",
}

// LabelerOrder lists the 14 labels in the order the CheXpert labeler writes them.
var LabelerOrder = [14]string{
	"No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Lesion",
	"Lung Opacity", "Edema", "Consolidation", "Pneumonia", "Atelectasis",
	"Pneumothorax", "Pleural Effusion", "Pleural Other", "Fracture",
	"Support Devices",
}

// Label values as they appear, verbatim, in MIMIC's CSVs.
const (
	Positive  = "1.0"
	Negative  = "0.0"
	Uncertain = "-1.0"
	Missing   = ""
)
