// Package label is cxlseg's built-in CheXpert-style report labeler: it reads
// the text of a chest X-ray report and assigns each of the 14 CheXpert
// observations 1.0 (positive), 0.0 (negative), -1.0 (uncertain) or ""
// (not mentioned), with no parser, Java or Python behind it.
//
// The approach, in order:
//
//  1. Sentences. The text is lower-cased and split into sentences at '.',
//     '?', '!', ';' and blank lines ("2.5 cm" and list numbers such as "1."
//     are not sentence ends). A sentence is a list of word tokens; hyphens
//     and slashes separate words ("air-space" reads "air space").
//  2. Mentions. Each observation has a list of phrases (phrases.go) matched
//     as token sequences, a trailing "s" or "es" allowed on the last word.
//     Look-alike phrases are removed first ("pericardial effusion" is not a
//     pleural effusion, "sternotomy wires" are no support device). Some
//     observations are attributes ("heart size", "cardiac silhouette",
//     "mediastinum"): they count only with a word saying enlarged (positive),
//     normal (negative) or borderline (uncertain) in the same clause.
//  3. Negation and uncertainty over the mention's clause (rules.go), in the
//     CheXpert labeler's order: uncertainty that contains a negation word and
//     precedes the mention ("cannot exclude", "not ruled out") makes it
//     uncertain; otherwise a negation trigger before ("no", "without",
//     "resolved") or after ("is not seen", "has resolved", "is normal") makes
//     it negative; otherwise an uncertainty trigger before ("may", "possible",
//     "suggestive of") or after ("is possible", "or") makes it uncertain;
//     otherwise it is positive. A clause ends at "but", "however", "although"
//     and similar words, and a trigger reaches at most a few words.
//  4. Aggregation per report (Mode): any positive mention gives 1.0. Else, in
//     ModeCheXpert an uncertain mention wins over a negative one (-1.0); in
//     ModeNegBio a negative one wins (0.0). No Finding is 1.0 only when no
//     observation other than Support Devices is positive or uncertain, and
//     blank otherwise (a negated "no finding" is never written).
package label
