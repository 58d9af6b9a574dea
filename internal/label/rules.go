package label

// Trigger lists for negation and uncertainty (see the package doc for the
// order in which they apply). Each is a phrase of lower-case words.

// preNegUncertain are uncertainty phrases built on a negation word; they are
// checked before negation so "cannot exclude pneumonia" is uncertain, not
// negative. They count on either side of the mention.
var preNegUncertain = []string{
	"cannot exclude", "can not exclude", "cannot be excluded", "can not be excluded",
	"cannot rule out", "can not rule out", "cannot be ruled out", "not excluded", "not be excluded",
	"not ruled out", "not entirely excluded", "difficult to exclude", "cannot be entirely excluded",
	"not be entirely excluded", "cannot completely exclude", "not completely excluded",
}

// negPre are negation triggers before a mention.
var negPre = []string{
	"no", "not", "without", "negative for", "free of", "absence of", "absent", "resolved",
	"resolution of", "removal of", "removed", "clear of", "ruled out", "nor", "neither", "never",
}

// negPost are negation triggers after a mention.
var negPost = []string{
	"not seen", "not identified", "not present", "not visualized", "not demonstrated", "not appreciated",
	"not evident", "not visible", "not noted", "not detected", "not well seen", "not enlarged", "not apparent",
	"within normal limits", "within limits of normal", "appear normal", "appears normal", "is normal",
	"are normal", "absent", "resolved", "has resolved", "have resolved", "removed", "no longer", "is negative",
	"are negative", "is gone", "have been removed", "has been removed",
}

// normalWords make an attribute mention ("heart size") negative.
var normalWords = []string{
	"normal", "within normal limits", "unremarkable", "stable normal", "normal in size", "not enlarged",
}

// enlargedWords make an attribute mention positive.
var enlargedWords = []string{
	"enlarged", "enlargement", "large", "increased", "prominent", "prominence", "widened", "widening",
	"cardiomegaly",
}

// borderlineWords make an attribute mention uncertain; they are checked
// before normalWords ("upper limits of normal").
var borderlineWords = []string{
	"borderline", "upper limits of normal", "upper limit of normal", "upper normal", "top normal",
	"top of normal", "high normal", "mildly prominent",
}

// pseudoNeg are phrases that hold a negation word but negate nothing
// ("no change in the nodule"); their words are ignored by the negation rules.
var pseudoNeg = []string{
	"no change", "no interval change", "no significant change", "no significant interval change",
	"not changed", "no substantial change", "not significantly changed", "no appreciable change",
}

// uncPre are uncertainty triggers before a mention.
var uncPre = []string{
	"may", "might", "could", "possible", "possibly", "probable", "probably", "likely", "questionable",
	"question of", "suspicious", "suspected", "suspect", "concerning for", "concern for", "suggest",
	"suggests", "suggestive", "suggesting", "suggestion of", "differential", "versus", "vs", "or",
	"borderline", "equivocal", "indeterminate", "presumed", "presumably", "rule out", "evaluate for",
	"evaluation for", "assess for", "worrisome", "cannot", "possibility", "consider", "favor", "favored",
	"?", "r o", "vs.",
}

// uncPost are uncertainty triggers after a mention.
var uncPost = []string{
	"is possible", "are possible", "is suspected", "are suspected", "is questioned", "is questionable",
	"is not excluded", "not excluded", "cannot be excluded", "can not be excluded",
	"is likely", "not ruled out",
}

// uncPostNear are uncertainty triggers that count only right after a mention
// ("atelectasis or consolidation"), not a few words on ("opacity may reflect
// atelectasis or consolidation" leaves the opacity positive).
var uncPostNear = []string{"or", "versus", "vs", "?"}

// terminators end a clause: no trigger reaches across them.
var terminators = map[string]bool{
	"but": true, "however": true, "although": true, "though": true, "except": true, "which": true,
	"whereas": true, "while": true, "aside": true, "apart": true, "there": true,
	"now": true, ":": true,
}

// Trigger reach, in tokens, from the mention.
const (
	preReach     = 12
	postReach    = 5
	attrPreReach = 6
	attrPostRech = 8
	nearReach    = 2
)
