package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/version"
)

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // substring of stdout
		err  string // substring of stderr
	}{
		{nil, 2, "", "Usage: cxlseg"},
		{[]string{"help"}, 0, "Commands:", ""},
		{[]string{"version"}, 0, version.Version, ""},
		{[]string{"no-such"}, 2, "", `unknown command "no-such"`},
		{[]string{"version", "-bogus"}, 2, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		var o, e bytes.Buffer
		code := Run(tt.args, &o, &e)
		if code != tt.code || !strings.Contains(o.String(), tt.out) || !strings.Contains(e.String(), tt.err) {
			t.Errorf("Run(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, o.String(), e.String(), tt.code, tt.out, tt.err)
		}
	}
}
