package label

// observation holds the vocabulary of one CheXpert observation.
type observation struct {
	name string
	// mentions are phrases that name the finding itself.
	mentions []string
	// attributes name an anatomy whose size decides the finding ("heart
	// size"): a mention only with an enlargement, normal or borderline word
	// in the same clause.
	attributes []string
	// exclusions are look-alike phrases whose words never count as a
	// mention of this observation.
	exclusions []string
}

// otherFindings are abnormalities outside the 14 observations. A positive
// or uncertain mention of one keeps No Finding blank: "No Finding" is read
// as "a normal study", the label people use to pick normal controls, and a
// granuloma or a scoliosis is a finding (the CheXpert labeler ignores them;
// Options.CheXpertNoFinding restores its rule).
var otherFindings = []string{
	"granuloma", "granulomas", "granulomatous", "calcified", "calcification", "scarring", "scar", "fibrosis",
	"fibrotic", "degenerative", "spondylosis", "osteophyte", "osteophytes", "scoliosis", "kyphosis",
	"tortuous", "tortuosity", "ectatic", "ectasia", "atherosclerotic", "atherosclerosis", "hernia",
	"eventration", "elevated hemidiaphragm", "elevation of the", "deformity", "deformities", "copd",
	"emphysema", "emphysematous", "hyperinflation", "hyperinflated", "hyperexpanded", "hyperexpansion",
	"bronchiectasis", "cyst", "low lung volumes", "low lung volume", "hypoinflation", "sternotomy",
	"surgical clips", "postoperative", "postsurgical", "thickening", "interstitial markings",
	"interstitial prominence", "chronic", "osteopenia", "osteoporosis", "spinal fusion", "hardware",
	"blunting", "blunted", "hyperlucent", "lucency", "density", "densities", "markings", "arthritis",
	"arthritic", "pectus", "vertebroplasty", "kyphoplasty", "cabg", "nipple shadow", "wedging",
	"compression", "flattening", "lobectomy", "pneumonectomy", "resection", "mastectomy", "adenopathy",
	"lymphadenopathy", "enlarged hilar", "hilar prominence", "underinflation", "underinflated",
}

// vocabulary lists the 13 observations found in text (No Finding is derived).
// The lists were written for cxlseg from the observation names and common
// radiology wording; see the package doc for how they are used.
func vocabulary() []observation {
	return []observation{
		{name: "Enlarged Cardiomediastinum",
			mentions: []string{"widened mediastinum", "mediastinal widening", "widening of the mediastinum",
				"mediastinal enlargement", "enlarged mediastinum", "enlargement of the mediastinum",
				"enlarged cardiomediastinal silhouette", "mediastinal prominence"},
			attributes: []string{"cardiomediastinal silhouette", "cardiomediastinal contour", "cardio mediastinal silhouette",
				"cardiomediastinal", "mediastinal contour", "mediastinal silhouette", "mediastinum"}},
		{name: "Cardiomegaly",
			mentions: []string{"cardiomegaly", "cardiomegally", "enlarged heart", "cardiac enlargement",
				"enlargement of the heart", "enlarged cardiac silhouette", "enlargement of the cardiac silhouette",
				"enlarged cardiac contour"},
			attributes: []string{"heart size", "heart", "cardiac silhouette", "cardiac contour", "cardiac size",
				"cardiac shadow", "heart shadow"},
			exclusions: []string{"heart failure"}},
		{name: "Lung Lesion",
			mentions: []string{"nodule", "mass", "lesion", "tumor", "tumour", "neoplasm", "carcinoma",
				"cancer", "metastasis", "metastases", "metastatic"},
			exclusions: []string{"mass effect", "lytic lesion", "sclerotic lesion", "bone lesion", "bony lesion",
				"osseous lesion", "expansile lesion", "lucent lesion", "skin lesion", "soft tissue mass", "breast mass"}},
		{name: "Lung Opacity",
			mentions: []string{"opacity", "opacities", "opacification", "opacified", "infiltrate", "infiltration",
				"airspace disease", "air space disease", "airspace process", "air space process", "haziness",
				"ground glass", "reticular", "reticulonodular"}},
		{name: "Edema",
			mentions: []string{"edema", "vascular congestion", "pulmonary congestion", "venous congestion",
				"fluid overload", "vascular engorgement", "venous engorgement", "cephalization", "kerley",
				"vascular prominence", "increased vascularity", "increased lung vascularity",
				"increased pulmonary vascularity", "vascular redistribution", "pulmonary venous hypertension",
				"indistinct vascular"},
			exclusions: []string{"soft tissue edema", "subcutaneous edema"}},
		{name: "Consolidation",
			mentions: []string{"consolidation", "consolidative", "consolidated"}},
		{name: "Pneumonia",
			mentions: []string{"pneumonia", "bronchopneumonia", "pneumonitis", "infection", "infectious",
				"infectious process"},
			exclusions: []string{"granulomatous infection", "granulomatous disease", "prior infection",
				"old infection"}},
		{name: "Atelectasis",
			mentions:   []string{"atelectasis", "atelectases", "atelectatic", "collapse", "collapsed"},
			exclusions: []string{"vertebral collapse", "vertebral body collapse", "collapse of the vertebral"}},
		{name: "Pneumothorax",
			mentions: []string{"pneumothorax", "pneumothoraces", "hydropneumothorax", "ptx"}},
		{name: "Pleural Effusion",
			mentions:   []string{"effusion", "pleural fluid", "hydropneumothorax", "hydrothorax"},
			exclusions: []string{"pericardial effusion", "joint effusion"}},
		{name: "Pleural Other",
			mentions: []string{"pleural thickening", "thickening of the pleura", "pleural plaque", "fibrothorax",
				"pleural scarring", "pleural calcification", "pleural parenchymal scarring",
				"pleuroparenchymal scarring"}},
		{name: "Fracture",
			mentions: []string{"fracture", "fractured", "fx"}},
		{name: "Support Devices",
			mentions: []string{"picc", "central line", "central venous line", "catheter", "endotracheal tube",
				"et tube", "ett", "tracheostomy", "trach", "nasogastric", "ng tube", "orogastric", "og tube",
				"feeding tube", "dobhoff", "chest tube", "drain", "pacemaker", "pacer", "pacing wire", "pacing lead",
				"aicd", "icd", "defibrillator", "port", "portacath", "port a cath", "swan ganz", "stent", "sheath",
				"tube", "device", "valve replacement", "prosthetic valve", "lvad", "iabp", "balloon pump",
				"enteric tube", "generator", "leads", "stimulator"},
			exclusions: []string{"sternotomy wire", "surgical clip", "lead to", "leads to", "monitor leads",
				"monitoring leads", "ecg leads", "ekg leads", "telemetry leads"}},
	}
}
