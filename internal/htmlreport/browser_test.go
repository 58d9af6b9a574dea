//go:build linux

package htmlreport

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/internal/testenv"

	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// checkScript is injected at the very top of <head>, before the page's
// Content-Security-Policy (which forbids scripts and so applies only after
// it). It records resource errors, CSP violations and console.error calls,
// and on load writes a marker element listing the images that did not
// load (complete with a natural width), for --dump-dom to show.
const checkScript = `<script>
(function () {
  var errs = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    errs.push(t && t.tagName ? 'resource ' + t.tagName + ' failed to load' : 'error: ' + e.message);
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    errs.push('csp: blocked ' + e.blockedURI + ' by ' + e.violatedDirective);
  });
  var ce = console.error;
  console.error = function () {
    errs.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    ce.apply(console, arguments);
  };
  window.addEventListener('load', function () {
    var imgs = document.images, broken = [];
    for (var i = 0; i < imgs.length; i++) {
      if (!(imgs[i].complete && imgs[i].naturalWidth > 0)) broken.push(i);
    }
    var m = document.createElement('pre');
    m.id = 'cxlseg-check';
    m.textContent = 'CHECK images=' + imgs.length + ' broken=' + broken.length +
      ' [' + broken.join(',') + '] errors=' + errs.length + ' ' + errs.join(' | ') + ' END';
    document.body.appendChild(m);
  });
})();
</script>`

var checkRE = regexp.MustCompile(`<pre id="cxlseg-check">CHECK images=(\d+) broken=(\d+) \[([^\]]*)\] errors=(\d+) (.*?) END</pre>`)

// browserResult is what one Chromium load of a page showed.
type browserResult struct {
	images, broken, errors int
	detail                 string
	console                []string // console messages Chromium logged
	screenshot             string
}

// chromium finds the browser, or skips the test saying why.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CXLSEG_CHROMIUM"), "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	testenv.Missing(t, testenv.RequireChromium, "no chromium for the browser test (install Debian's chromium package, or set CXLSEG_CHROMIUM)")
	return ""
}

// loadInChromium opens page (with checkScript injected) from a file:// URL
// in headless Chromium, isolated from the network and the user's profile,
// and returns what the page reported plus a 1280x2000 screenshot.
func loadInChromium(t *testing.T, bin string, page []byte) browserResult {
	t.Helper()
	dir := t.TempDir()
	i := bytes.Index(page, []byte("<head>"))
	if i < 0 {
		t.Fatal("page has no <head>")
	}
	checked := append(append(append([]byte(nil), page[:i+6]...), checkScript...), page[i+6:]...)
	path := filepath.Join(dir, "page.html")
	if err := os.WriteFile(path, checked, 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
		"--window-size=1280,2000", "--screenshot="+shot, "--dump-dom",
		(&url.URL{Scheme: "file", Path: path}).String())
	cmd.Env = append(os.Environ(), "HOME="+dir)
	// Chromium starts helper processes: run it in its own process group
	// and kill the whole group if it hangs, so nothing is left running.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, tail(stderr.String(), 2000))
	}
	m := checkRE.FindSubmatch(stdout.Bytes())
	if m == nil {
		t.Fatalf("no check marker in the DOM Chromium dumped (%d bytes); stderr:\n%s", stdout.Len(), tail(stderr.String(), 2000))
	}
	atoi := func(b []byte) int { n, _ := strconv.Atoi(string(b)); return n }
	r := browserResult{images: atoi(m[1]), broken: atoi(m[2]), errors: atoi(m[4]), detail: string(m[5]), screenshot: shot}
	if len(m[3]) > 0 {
		r.detail = "broken images [" + string(m[3]) + "] " + r.detail
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			r.console = append(r.console, line)
		}
	}
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// TestReportInChromium loads the report in a real browser from a file://
// URL: no console errors, no blocked fetch, every image loaded, and a
// screenshot that is not blank. Set CXLSEG_REPORT_SCREENSHOT=path.png to
// keep the screenshot.
func TestReportInChromium(t *testing.T) {
	bin := chromium(t)
	ds, _ := openFake(t, datasettest.Options{})
	var buf bytes.Buffer
	sum, err := Render(&buf, ds, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := loadInChromium(t, bin, buf.Bytes())
	if r.images != 2*sum.Tiles || r.images == 0 {
		t.Errorf("browser saw %d images, want %d", r.images, 2*sum.Tiles)
	}
	if r.broken != 0 || r.errors != 0 || len(r.console) != 0 {
		t.Errorf("broken %d, errors %d: %s; console: %q", r.broken, r.errors, r.detail, r.console)
	}
	b, err := os.ReadFile(r.screenshot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if img.Bounds().Dx() != 1280 || img.Bounds().Dy() != 2000 {
		t.Errorf("screenshot is %v, want 1280x2000", img.Bounds())
	}
	colors := map[[3]uint32]bool{}
	for y := 0; y < img.Bounds().Dy() && len(colors) < 50; y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colors[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
		}
	}
	if len(colors) < 50 {
		t.Errorf("screenshot has only %d colours: blank page?", len(colors))
	}
	if keep := os.Getenv("CXLSEG_REPORT_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, b, 0o644); err != nil {
			t.Error(err)
		}
		t.Logf("screenshot saved to %s", keep)
	}
}

// TestBrowserCheckCatchesFaults is the negative control of the browser
// check: a page with a broken image and an external URL must fail it.
func TestBrowserCheckCatchesFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the browser negative control in -short mode")
	}
	bin := chromium(t)
	ds, _ := openFake(t, datasettest.Options{NoImages: true})
	var buf bytes.Buffer
	if _, err := Render(&buf, ds, Options{Sample: -1, Worst: -1}); err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(buf.String(), "</main>",
		`<img src="data:image/png;base64,AAAA" alt=""><img src="https://example.invalid/x.png" alt=""></main>`, 1)
	r := loadInChromium(t, bin, []byte(page))
	if r.images != 2 || r.broken != 2 || r.errors < 2 || len(r.console) == 0 {
		t.Errorf("faulty page passed the check: images %d broken %d errors %d (%s), console %q",
			r.images, r.broken, r.errors, r.detail, r.console)
	}
}
