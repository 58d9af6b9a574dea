package imgproc

import "strings"

// isUnsupportedMsg reports whether a libjpeg error message describes a
// valid file the library cannot decode (for example "Unsupported JPEG data
// precision 12") rather than a damaged one.
func isUnsupportedMsg(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "unsupported") || strings.Contains(m, "not supported")
}
