//go:build linux

package htmlreport

import "testing"

// BrowserCheck loads page in headless Chromium (skipping, or failing under
// CXLSEG_REQUIRE_CHROMIUM, when there is none) and returns how many images
// it has, how many did not load, and the errors the page logged; for the
// end-to-end test in package htmlreport_test.
func BrowserCheck(t *testing.T, page []byte) (images, broken, errors int, detail string) {
	t.Helper()
	r := loadInChromium(t, chromium(t), page)
	return r.images, r.broken, r.errors + len(r.console), r.detail
}
