package label

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/cxlseg/cxlseg/internal/chexpert"
)

// Mode chooses how mentions of one observation combine in a report.
type Mode int

const (
	// ModeCheXpert lets an uncertain mention win over a negative one (-1.0),
	// as the CheXpert labeler does.
	ModeCheXpert Mode = iota
	// ModeNegBio lets a negative mention win over an uncertain one (0.0), as
	// NegBio does.
	ModeNegBio
)

// ParseMode reads "chexpert" or "negbio".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(s) {
	case "chexpert":
		return ModeCheXpert, nil
	case "negbio":
		return ModeNegBio, nil
	}
	return 0, fmt.Errorf("unknown labeler mode %q (want chexpert or negbio)", s)
}

// State is what one mention says about its observation.
type State int

// Mention states.
const (
	Positive State = iota
	Negative
	Uncertain
)

func (s State) String() string {
	return [...]string{"positive", "negative", "uncertain"}[s]
}

// Mention is one place where a report speaks of an observation.
type Mention struct {
	Label    string // observation name, as in package chexpert
	Sentence int    // index of the sentence in the report
	Phrase   string // the words that matched
	State    State
}

// Values holds one report's labels, indexed like chexpert.Alphabetical:
// "1.0", "0.0", "-1.0" or "" (not mentioned).
type Values [14]string

// Get returns the value of the observation called name.
func (v Values) Get(name string) (string, bool) {
	for i, n := range chexpert.Alphabetical {
		if n == name {
			return v[i], true
		}
	}
	return "", false
}

type phrase []string

type compiledObs struct {
	name       string
	index      int // position in chexpert.Alphabetical
	mentions   []phrase
	attributes []phrase
	exclusions []phrase
}

// Labeler labels report texts. It is safe for concurrent use.
type Labeler struct {
	mode Mode
	obs  []compiledObs
	noFindingIndex,
	supportIndex int
	preNegUnc, negPre, negPost, uncPre, uncPost, uncNear []phrase
	normal, enlarged, borderline, pseudo                 []phrase
	other                                                compiledObs
	chexpertNoFinding                                    bool
}

// otherName labels mentions of abnormalities outside the 14 observations.
const otherName = "Other Finding"

// Options adjust a Labeler.
type Options struct {
	// CheXpertNoFinding uses the CheXpert labeler's No Finding rule, which
	// ignores abnormalities outside the 14 observations.
	CheXpertNoFinding bool
}

// New returns a Labeler that aggregates mentions with mode.
func New(mode Mode) *Labeler { return NewWithOptions(mode, Options{}) }

// NewWithOptions returns a Labeler with mode and options.
func NewWithOptions(mode Mode, opt Options) *Labeler {
	l := &Labeler{
		mode:              mode,
		chexpertNoFinding: opt.CheXpertNoFinding,
		preNegUnc:         compile(preNegUncertain),
		negPre:            compile(negPre),
		negPost:           compile(negPost),
		uncPre:            compile(uncPre),
		uncPost:           compile(uncPost),
		uncNear:           compile(uncPostNear),
		normal:            compile(normalWords),
		enlarged:          compile(enlargedWords),
		borderline:        compile(borderlineWords),
		pseudo:            compile(pseudoNeg),
		other:             compiledObs{name: otherName, mentions: compile(otherFindings)},
	}
	l.noFindingIndex = indexOf("No Finding")
	l.supportIndex = indexOf("Support Devices")
	for _, o := range vocabulary() {
		l.obs = append(l.obs, compiledObs{
			name:       o.name,
			index:      indexOf(o.name),
			mentions:   compile(o.mentions),
			attributes: compile(o.attributes),
			exclusions: compile(o.exclusions),
		})
	}
	return l
}

func indexOf(name string) int {
	for i, n := range chexpert.Alphabetical {
		if n == name {
			return i
		}
	}
	panic("label: unknown observation " + name) // the vocabulary is ours: a bug, not input
}

// compile turns phrases into token lists, longest first so the longest
// phrase wins where several start at the same word.
func compile(list []string) []phrase {
	out := make([]phrase, 0, len(list))
	for _, s := range list {
		out = append(out, strings.Fields(strings.NewReplacer("-", " ", "/", " ").Replace(s)))
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Label returns the 14 labels of one report text.
//
// A text with no word (empty, or only spaces and punctuation) says nothing:
// every label stays blank, No Finding included.
func (l *Labeler) Label(text string) Values {
	if !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return Values{}
	}
	return l.aggregate(l.Mentions(text))
}

// Mentions lists every mention in text with its state, in reading order.
func (l *Labeler) Mentions(text string) []Mention {
	var out []Mention
	for si, toks := range sentences(text) {
		for _, o := range l.obs {
			out = append(out, l.sentenceMentions(o, si, toks)...)
		}
		out = append(out, l.sentenceMentions(l.other, si, toks)...)
	}
	return out
}

func (l *Labeler) aggregate(ms []Mention) Values {
	var v Values
	const none, neg, unc, pos = 0, 1, 2, 3
	rank := make([]int, len(v))
	finding := false
	for _, m := range ms {
		if m.Label == otherName {
			finding = finding || (!l.chexpertNoFinding && m.State != Negative)
			continue
		}
		r := none
		switch m.State {
		case Positive:
			r = pos
		case Uncertain:
			r = unc
		case Negative:
			r = neg
		}
		i := indexOf(m.Label)
		cur := rank[i]
		switch {
		case cur == pos || r == pos:
			rank[i] = pos
		case l.mode == ModeNegBio && (cur == neg || r == neg):
			rank[i] = neg
		case r > cur:
			rank[i] = r
		}
	}
	for i, r := range rank {
		switch r {
		case pos:
			v[i] = chexpert.Positive
		case unc:
			v[i] = chexpert.Uncertain
		case neg:
			v[i] = chexpert.Negative
		}
		if i != l.supportIndex && (r == pos || r == unc) {
			finding = true
		}
	}
	if !finding {
		v[l.noFindingIndex] = chexpert.Positive
	}
	return v
}

func (l *Labeler) sentenceMentions(o compiledObs, si int, toks []string) []Mention {
	excluded := make([]bool, len(toks))
	for i := range toks {
		for _, p := range o.exclusions {
			if end := matchAt(toks, i, p, true); end > 0 {
				for k := i; k < end; k++ {
					excluded[k] = true
				}
			}
		}
	}
	var out []Mention
	for i := 0; i < len(toks); i++ {
		if end, p := firstMatch(toks, i, o.mentions, excluded); end > 0 {
			out = append(out, Mention{Label: o.name, Sentence: si, Phrase: strings.Join(p, " "), State: l.state(toks, i, end)})
			i = end - 1
			continue
		}
		if end, p := firstMatch(toks, i, o.attributes, excluded); end > 0 {
			if st, ok := l.attributeState(toks, i, end); ok {
				out = append(out, Mention{Label: o.name, Sentence: si, Phrase: strings.Join(p, " "), State: st})
			}
			i = end - 1
		}
	}
	return out
}

func firstMatch(toks []string, i int, ps []phrase, excluded []bool) (int, phrase) {
	for _, p := range ps {
		end := matchAt(toks, i, p, true)
		if end < 0 {
			continue
		}
		clean := true
		for k := i; k < end; k++ {
			clean = clean && !excluded[k]
		}
		if clean {
			return end, p
		}
	}
	return -1, nil
}

// matchAt reports where phrase p ends if it starts at toks[i], or -1. With
// plural, the last word may carry an "s" or "es".
func matchAt(toks []string, i int, p phrase, plural bool) int {
	if i+len(p) > len(toks) {
		return -1
	}
	for k, w := range p {
		t := toks[i+k]
		if t == w {
			continue
		}
		if plural && k == len(p)-1 && (t == w+"s" || t == w+"es") {
			continue
		}
		return -1
	}
	return i + len(p)
}

// contains reports whether any phrase of ps occurs in toks.
func contains(toks []string, ps []phrase) bool {
	for i := range toks {
		for _, p := range ps {
			if matchAt(toks, i, p, false) > 0 {
				return true
			}
		}
	}
	return false
}

// window returns the clause tokens before [s, e) (at most pre) and after it
// (at most post). The post side also stops at a comma when stopAtComma.
func window(toks []string, s, e, pre, post int, stopAtComma bool) (before, after []string) {
	lo := s
	for lo > 0 && s-lo < pre && !terminators[toks[lo-1]] {
		lo--
	}
	hi := e
	for hi < len(toks) && hi-e < post && !terminators[toks[hi]] && !(stopAtComma && toks[hi] == ",") {
		hi++
	}
	return toks[lo:s], toks[e:hi]
}

// state applies the negation and uncertainty rules to a mention at [s, e).
func (l *Labeler) state(toks []string, s, e int) State {
	before, after := window(toks, s, e, preReach, postReach, true)
	before = l.dropPseudo(before)
	switch {
	case contains(before, l.preNegUnc) || contains(after, l.preNegUnc):
		return Uncertain
	case contains(before, l.negPre) || contains(after, l.negPost):
		return Negative
	case contains(before, l.uncPre) || contains(after, l.uncPost) || contains(after[:min(len(after), nearReach)], l.uncNear):
		return Uncertain
	}
	return Positive
}

// attributeState decides an attribute mention ("heart size") at [s, e) from
// the size words around it; ok is false when none is there.
func (l *Labeler) attributeState(toks []string, s, e int) (State, bool) {
	before, after := window(toks, s, e, attrPreReach, attrPostRech, false)
	around := append(append([]string(nil), before...), after...)
	if contains(around, l.borderline) {
		return Uncertain, true
	}
	// Triggers count between the anatomy and its size word, so "heart is
	// not enlarged" is negative but "heart is enlarged with no edema" is not.
	for k := range after {
		for _, p := range l.enlarged {
			if matchAt(after, k, p, false) < 0 {
				continue
			}
			between := after[:k]
			switch {
			case contains(before, l.preNegUnc) || contains(between, l.preNegUnc):
				return Uncertain, true
			case contains(before, l.negPre) || contains(between, l.negPre):
				return Negative, true
			case contains(before, l.uncPre) || contains(between, l.uncPre):
				return Uncertain, true
			}
			return Positive, true
		}
	}
	if contains(before, l.enlarged) {
		return l.state(toks, s, e), true
	}
	if contains(around, l.normal) {
		return Negative, true
	}
	return Positive, false
}

// dropPseudo blanks the words of pseudo-negations in a copy of toks.
func (l *Labeler) dropPseudo(toks []string) []string {
	var out []string
	for i := range toks {
		for _, p := range l.pseudo {
			if end := matchAt(toks, i, p, false); end > 0 {
				if out == nil {
					out = append([]string(nil), toks...)
				}
				for k := i; k < end; k++ {
					out[k] = ""
				}
			}
		}
	}
	if out == nil {
		return toks
	}
	return out
}
