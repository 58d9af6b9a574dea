// Package sectioned writes mimic_cxr_sectioned.csv (MIT-LCP's columns:
// study, impression, findings, last_paragraph, comparison) from report
// files in a folder tree, in mimic-cxr-reports.zip, or in a CSV column.
//
// Reports are visited in a deterministic order (numeric subject, then
// study id, for files; row order for a CSV), so the same input always
// gives the same bytes. Memory holds the list of report names, never
// the texts of more than one report.
package sectioned
