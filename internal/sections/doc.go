// Package sections splits free-text radiology reports into sections with the
// rules of MIT-LCP's mimic-cxr section parser (section_parser.py and
// create_section_files.py), the de-facto standard used to make
// mimic_cxr_sectioned.csv and CXLSeg's Reports column.
//
// The rules, in order:
//
//  1. A header is a newline, one space, a run of capitals, spaces and
//     ()/,- characters, a colon and one whitespace character
//     (regexp `\n ([A-Z ()/,-]+):\s`). MIMIC report files indent every
//     line by one space, so this finds the section headers of the body.
//  2. Text before the first header is the preamble. A report without any
//     header is one section named "full report".
//  3. After a header, the search for the next one resumes at the end of
//     the header's first text line (MIT-LCP does this to avoid some bad
//     parses; a header directly on the next line is therefore part of the
//     text).
//  4. Header names are lower-cased and normalised through a fixed map of
//     variants and misspellings (names.go), then by substring
//     (impression, findings, history, comparison, addendum), then by
//     view phrases such as "pa and lateral" or "chest" meaning findings.
//  5. Empty impression and findings sections are dropped.
//  6. When neither impression nor findings remains, the last section is
//     split at its first blank line (in MIMIC's layout "\n \n") and the
//     rest becomes last_paragraph.
//  7. Each of impression, findings, last_paragraph and comparison is the
//     text of the LAST section of that name.
//
// Addenda need no special case: an "ADDENDUM:" section is named
// addendum, and because each column takes the last section of its name,
// an impression written before or after an addendum is still found.
// Text before "FINAL REPORT" (a wet read) stays in the preamble.
//
// Deviations from MIT-LCP, all deliberate:
//   - section text is whitespace-normalised (runs of whitespace, including
//     MIMIC's 79-column line wraps, become one space) so it fits one CSV
//     field on one line; MIT-LCP keeps the line breaks and strips the ends;
//   - Chosen skips empty candidates, where MIT-LCP would return an empty
//     last_paragraph (a report ending in a blank line) before a comparison;
//   - a header of spaces only is named "blank" rather than "";
//   - the map holds more variants than MIT-LCP's (names.go), and
//     "ndication" is read as indication, not impression;
//   - MIT-LCP's per-study hand corrections (custom_indices and
//     custom_section_names, for a few dozen real studies) are not
//     reproduced: they are keyed by real MIMIC study ids.
//
// Header detection is a hand-written scanner equivalent to the regexp
// (a test and a fuzz target compare the two); Extract takes about 20 µs
// for a typical report.
package sections
