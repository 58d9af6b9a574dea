package sample

import (
	"strings"

	"github.com/cxlseg/cxlseg/internal/sections"
)

// sec is shorthand for a report section.
func sec(header, text string) sections.Section {
	return sections.Section{Name: strings.ToLower(header), Header: header, Text: text}
}

// modern writes a report in the layout MIMIC-CXR uses from about 2012
// on: EXAMINATION, INDICATION, TECHNIQUE, COMPARISON, FINDINGS and
// IMPRESSION, the last two in block style. Empty parts are left out.
func modern(exam, indication, technique, comparison, findings, impression string) []byte {
	var secs []sections.Section
	for _, s := range []sections.Section{
		sec("EXAMINATION", exam), sec("INDICATION", indication), sec("TECHNIQUE", technique),
		sec("COMPARISON", comparison), sec("FINDINGS", findings), sec("IMPRESSION", impression),
	} {
		if s.Text != "" {
			secs = append(secs, s)
		}
	}
	return []byte(sections.Format("", secs))
}

// lines joins hand-laid-out report lines (each already starting with its
// space; a blank line is " ") under the centred title.
func lines(ls ...string) []byte {
	return []byte(strings.Repeat(" ", 33) + "FINAL REPORT\n" + strings.Join(ls, "\n") + "\n")
}

// baseReports returns the report of each base study, by study key.
func baseReports() map[string][]byte {
	return map[string][]byte{
		// Full modern report, normal chest.
		"normal": modern("CHEST (PA AND LAT)",
			"___F with chest pain  // eval for acute process",
			"Chest PA and lateral",
			"None.",
			"The lungs are clear without focal consolidation, pleural effusion or pneumothorax.  The cardiomediastinal silhouette is within normal limits.  No acute osseous abnormality.",
			"No acute cardiopulmonary process."),
		// Modern report, COVID-19 pneumonia.
		"covid-modern": modern("CHEST (PA AND LAT)",
			"___M with fever and cough, positive for COVID-19  // eval for pneumonia",
			"Chest PA and lateral",
			"Chest radiograph ___.",
			"Patchy opacities are seen in both lower lungs, more extensive on the right, with a peripheral predominance.  No pleural effusion or pneumothorax.  Heart size is normal.",
			"Bilateral lower lung opacities, compatible with multifocal pneumonia, including atypical infection such as COVID-19."),
		// Older style, impression only, headers inline.
		"impression-only": lines(
			" HISTORY:  ___-year-old man with fever and shortness of breath.",
			" ",
			" COMPARISON:  ___.",
			" ",
			" IMPRESSION:  PA and lateral chest radiographs.  Multifocal peripheral",
			" opacities in both lungs may reflect pneumonia.  Possible small left pleural",
			" effusion."),
		// Findings only, no impression.
		"findings-only": modern("CHEST (PA AND LAT)",
			"___F with dyspnea and hypoxia",
			"Chest PA and lateral",
			"___",
			"Hazy opacities in the right mid and lower lung and at the left base.  No definite consolidation, although early pneumonia cannot be excluded.  No pleural effusion.  Normal heart size.",
			""),
		// Neither impression nor findings: MIT-LCP's last_paragraph.
		"neither": lines(
			" INDICATION:  ___-year-old woman with cough and fever.",
			" ",
			" COMPARISON:  None.",
			" ",
			" Frontal and lateral views of the chest were obtained.  There are ill-defined",
			" opacities in the right lower lung and the left mid lung.  The heart size is",
			" normal.  There is no pneumothorax.",
			" ",
			" Findings are concerning for multifocal pneumonia."),
		// With notification and an addendum after the impression.
		"addendum": append(modern("CHEST (PA AND LAT)",
			"___M with fever  // pneumonia?",
			"Chest PA and lateral",
			"None.",
			"There is a new consolidation in the left lower lobe and patchy opacity at the right base.  No pleural effusion.  The cardiomediastinal silhouette is normal.",
			"Left lower lobe consolidation and right basilar opacity, concerning for pneumonia."), addendumTail...),
		// Wet read before the final report.
		"wet-read": append([]byte(
			" WET READ: ___ ___ ___ 9:41 PM\n"+
				"  Bilateral patchy opacities, likely multifocal pneumonia.\n"+
				" ______________________________________________________________________________\n"),
			modern("CHEST (PA AND LAT)",
				"___F with COVID-19, worsening hypoxia",
				"Chest PA and lateral",
				"None.",
				"Patchy bilateral airspace opacities with peripheral and lower lung predominance.  No pleural effusion or pneumothorax.",
				"Multifocal bilateral opacities consistent with pneumonia.")...),
		// Portable, old style, lines and tubes.
		"portable-old": lines(
			" PORTABLE CHEST OF ___.",
			" ",
			" CLINICAL HISTORY:  Intubated patient with COVID-19.",
			" ",
			" COMPARISON:  ___.",
			" ",
			" IMPRESSION:  ",
			" 1.  Endotracheal tube terminates 4 cm above the carina.  Nasogastric tube",
			" courses below the diaphragm.",
			" 2.  Diffuse bilateral opacities, possibly with superimposed mild pulmonary",
			" edema."),
		"portable-modern": modern("CHEST (PORTABLE AP)",
			"___M intubated, COVID-19 pneumonia  // interval change",
			"Portable AP chest radiograph",
			"___",
			"Endotracheal tube and enteric tube are in standard position.  Right internal jugular line ends in the low SVC.  Diffuse bilateral opacities are worse at the bases.  No pneumothorax.  No pulmonary edema.",
			"Worsening diffuse bilateral opacities, compatible with multifocal pneumonia or ARDS.  Lines and tubes in standard position."),
		"portable-effusion": modern("CHEST (PORTABLE AP)",
			"___F with COVID-19, new oxygen requirement",
			"Portable AP chest radiograph",
			"___",
			"Bilateral lower lung opacities with a small right pleural effusion.  Retrocardiac opacity may reflect atelectasis.  Heart size is normal.",
			"Bilateral lower lung opacities and small right pleural effusion."),
		"portable-numbered": lines(
			" EXAMINATION:  CHEST (PORTABLE AP)",
			" ",
			" INDICATION:  ___M intubated for COVID-19",
			" ",
			" COMPARISON:  ___",
			" ",
			" IMPRESSION: ",
			" ",
			" 1.  Endotracheal tube tip 5 cm above the carina.",
			" 2.  Extensive bilateral opacities, similar to the prior study.",
			" 3.  No pneumothorax."),
		"portable-worse": modern("CHEST (PORTABLE AP)",
			"___M with COVID-19, evaluate for progression",
			"Portable AP chest radiograph",
			"___",
			"Worsening bilateral opacities throughout both lungs.  Possible mild pulmonary vascular congestion.  The cardiomediastinal silhouette may be mildly enlarged, accentuated by the portable technique.",
			"Worsening bilateral opacities.  Possible mild edema."),
		// The study whose image file is missing still has its report.
		"missing-image": modern("CHEST (PA AND LAT)",
			"___M preoperative evaluation",
			"Chest PA and lateral",
			"None.",
			"Lungs are well expanded and clear.  No pleural effusion or pneumothorax.  Normal cardiomediastinal silhouette.",
			"Normal chest radiograph."),
	}
}

// addendumTail is appended to the "addendum" report.
const addendumTail = " \n" +
	" NOTIFICATION:  The findings were discussed with Dr. ___ by Dr. ___ on the\n" +
	" telephone on ___ at 4:12 PM, 5 minutes after discovery of the findings.\n" +
	" \n" +
	" ADDENDUM:  On review, the right basilar opacity also involves the right\n" +
	" middle lobe.  This does not change the impression.\n"
