package sections

import (
	"regexp"
	"strings"
)

// Normalised section names that the extractor gives special meaning.
const (
	NameImpression    = "impression"
	NameFindings      = "findings"
	NameLastParagraph = "last_paragraph"
	NameComparison    = "comparison"
	NameIndication    = "indication"
	NameHistory       = "history"
	NameExamination   = "examination"
	NameTechnique     = "technique"
	NameAddendum      = "addendum"
	NameFullReport    = "full report"
	NameBlank         = "blank"
)

// headerVariants maps lower-cased header text to its normalised name. It
// holds the frequent headers of MIMIC-CXR and the misspellings seen in its
// reports; MIT-LCP's map is the model, extended with variants common in
// radiology reports elsewhere. Anything not here falls through to the
// substring and view-phrase rules of normaliseName.
var headerVariants = map[string]string{
	// impression and its synonyms, combinations and misspellings
	"impression":                     NameImpression,
	"impressions":                    NameImpression,
	"conclusion":                     NameImpression,
	"conclusions":                    NameImpression,
	"summary":                        NameImpression,
	"opinion":                        NameImpression,
	"diagnosis":                      NameImpression,
	"findings and impression":        NameImpression,
	"findings and impressions":       NameImpression,
	"findings/impression":            NameImpression,
	"findings/ impression":           NameImpression,
	"findings / impression":          NameImpression,
	"impression and recommendation":  NameImpression,
	"impression and recommendations": NameImpression,
	"impression/recommendation":      NameImpression,
	"impression/recommendations":     NameImpression,
	"impresson":                      NameImpression,
	"imprression":                    NameImpression,
	"imoression":                     NameImpression,
	"impressoin":                     NameImpression,
	"imprssion":                      NameImpression,
	"impresion":                      NameImpression,
	"imperssion":                     NameImpression,
	"mpression":                      NameImpression,
	"impession":                      NameImpression,
	"impresssion":                    NameImpression,
	"imrpession":                     NameImpression,
	"ipression":                      NameImpression,
	// findings
	"findings":           NameFindings,
	"finding":            NameFindings,
	"findins":            NameFindings,
	"findindgs":          NameFindings,
	"findgings":          NameFindings,
	"findngs":            NameFindings,
	"findnings":          NameFindings,
	"finidngs":           NameFindings,
	"fidnings":           NameFindings,
	"findigs":            NameFindings,
	"reference findings": NameFindings,
	"chest, two views":   NameFindings,
	// indication: why the study was done
	"indication":             NameIndication,
	"indications":            NameIndication,
	"idication":              NameIndication,
	"ndication":              NameIndication,
	"indcation":              NameIndication,
	"reason for examination": NameIndication,
	"reason for exam":        NameIndication,
	"reason for study":       NameIndication,
	"reason":                 NameIndication,
	"clinical indication":    NameIndication,
	// history: MIT-LCP keeps it apart from indication
	"history":              NameHistory,
	"clinical history":     NameHistory,
	"clinical information": NameHistory,
	"patient history":      NameHistory,
	"pfi":                  NameHistory,
	// comparison
	"comparison":       NameComparison,
	"comparisons":      NameComparison,
	"comparision":      NameComparison,
	"comparsion":       NameComparison,
	"comparrison":      NameComparison,
	"comparisions":     NameComparison,
	"comparison exam":  NameComparison,
	"comparison film":  NameComparison,
	"comparison study": NameComparison,
	"reference exam":   NameComparison,
	"prior":            NameComparison,
	"priors":           NameComparison,
	// examination and technique
	"examination":         NameExamination,
	"exam":                NameExamination,
	"type of examination": NameExamination,
	"procedure":           NameExamination,
	"technique":           NameTechnique,
	"techniques":          NameTechnique,
	// others kept under their own names
	"addendum":          NameAddendum,
	"notification":      "notification",
	"recommendation":    "recommendations",
	"recommendations":   "recommendations",
	"recommendation(s)": "recommendations",
	"wet read":          "wet read",
	"wetread":           "wet read",
	"date":              "date",
	"comment":           "comment",
	"comments":          "comment",
	"preamble":          "preamble",
}

// mainSections are matched as substrings of an unknown header, in this
// order, so "impression and plan" is an impression and "prior findings"
// are findings.
var mainSections = []string{NameImpression, NameFindings, NameHistory, NameComparison, NameAddendum}

// viewPhrase matches headers that describe the views of the study
// ("PA AND LATERAL VIEWS OF THE CHEST:"): their text is the findings.
var viewPhrase = regexp.MustCompile(`chest|portable|pa and lateral|lateral and pa|ap and lateral|lateral and ap|frontal and|two views|frontal view|pa view|ap view|one view|lateral view|bone window|frontal upright|frontal semi-upright|ribs|pa and lat`)

// normaliseName maps a raw header (as matched, without the colon) to its
// normalised section name.
func normaliseName(header string) string {
	s := strings.ToLower(trimPySpace(header))
	if n, ok := headerVariants[s]; ok {
		return n
	}
	for _, m := range mainSections {
		if strings.Contains(s, m) {
			return m
		}
	}
	if viewPhrase.MatchString(s) {
		return NameFindings
	}
	if s == "" {
		// A "header" of spaces only (MIT-LCP names it ""): give it a
		// name so consumers never see an unnamed section.
		return NameBlank
	}
	return s
}
