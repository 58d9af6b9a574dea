//go:build cgo

package imgproc

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

// The few TurboJPEG prototypes we use, declared here so the build needs no
// turbojpeg.h (libturbojpeg0-dev): the library is loaded with dlopen at run
// time and its absence only selects the Go decoder.
typedef void *cxl_tjhandle;
typedef cxl_tjhandle (*cxl_tjInitDecompress)(void);
typedef int (*cxl_tjDecompressHeader3)(cxl_tjhandle, const unsigned char *, unsigned long, int *, int *, int *, int *);
typedef int (*cxl_tjDecompress2)(cxl_tjhandle, const unsigned char *, unsigned long, unsigned char *, int, int, int, int, int);
typedef char *(*cxl_tjGetErrorStr2)(cxl_tjhandle);
typedef int (*cxl_tjGetErrorCode)(cxl_tjhandle);
typedef int (*cxl_tjDestroy)(cxl_tjhandle);

// cxl_tj holds one decompressor and the header fields of the last call, so
// Go passes no pointers to its own stack (which would make them escape).
typedef struct {
	void *lib;
	cxl_tjhandle h;
	cxl_tjDecompressHeader3 header;
	cxl_tjDecompress2 decompress;
	cxl_tjGetErrorStr2 errstr;
	cxl_tjGetErrorCode errcode;
	cxl_tjDestroy destroy;
	int width, height, subsamp, colorspace;
} cxl_tj;

// cxl_tj_open loads the library and creates a decompressor. It returns
// NULL and sets *why on failure (1: dlopen, 2: a symbol, 3: init).
static cxl_tj *cxl_tj_open(const char *name, int *why) {
	void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!lib) { *why = 1; return NULL; }
	cxl_tj *t = calloc(1, sizeof(cxl_tj));
	if (!t) { dlclose(lib); *why = 3; return NULL; }
	t->lib = lib;
	cxl_tjInitDecompress init = (cxl_tjInitDecompress)dlsym(lib, "tjInitDecompress");
	t->header = (cxl_tjDecompressHeader3)dlsym(lib, "tjDecompressHeader3");
	t->decompress = (cxl_tjDecompress2)dlsym(lib, "tjDecompress2");
	t->errstr = (cxl_tjGetErrorStr2)dlsym(lib, "tjGetErrorStr2");
	t->errcode = (cxl_tjGetErrorCode)dlsym(lib, "tjGetErrorCode");
	t->destroy = (cxl_tjDestroy)dlsym(lib, "tjDestroy");
	if (!init || !t->header || !t->decompress || !t->errstr || !t->errcode || !t->destroy) {
		dlclose(lib); free(t); *why = 2; return NULL;
	}
	t->h = init();
	if (!t->h) { dlclose(lib); free(t); *why = 3; return NULL; }
	return t;
}

// cxl_tj_reset replaces the decompressor after an error: TurboJPEG 2.1
// returns from a failed tjDecompressHeader3 without aborting libjpeg, and
// the next file would then fail ("two SOI markers"). Returns 0 on success.
static int cxl_tj_reset(cxl_tj *t) {
	cxl_tjInitDecompress init = (cxl_tjInitDecompress)dlsym(t->lib, "tjInitDecompress");
	t->destroy(t->h);
	t->h = init ? init() : NULL;
	return t->h ? 0 : -1;
}

static void cxl_tj_close(cxl_tj *t) {
	if (t->h) t->destroy(t->h);
	dlclose(t->lib);
	free(t);
}

// cxl_tj_header reads the frame header. The size fields are cleared first:
// on a file with no frame (tables only, or cut off before SOF) TurboJPEG can
// return success without setting them, and the previous file's size would
// then decode "successfully" into the previous file's pixels.
static int cxl_tj_header(cxl_tj *t, const unsigned char *buf, unsigned long n) {
	t->width = t->height = 0;
	return t->header(t->h, buf, n, &t->width, &t->height, &t->subsamp, &t->colorspace);
}

static int cxl_tj_decode(cxl_tj *t, const unsigned char *buf, unsigned long n, unsigned char *dst, int pitch, int pf) {
	// TJFLAG_LIMITSCANS (32768): fail on progressive files with more than
	// 500 scans, which could otherwise take minutes (older libraries ignore
	// the flag).
	return t->decompress(t->h, buf, n, dst, t->width, pitch, t->height, pf, 32768);
}

static int cxl_tj_errcode(cxl_tj *t) { return t->errcode(t->h); }
static char *cxl_tj_errstr(cxl_tj *t) { return t->errstr(t->h); }
*/
import "C"

import (
	"image"
	"runtime"
	"strings"
	"unsafe"
)

// TurboJPEG constants (turbojpeg.h, stable since libjpeg-turbo 1.2).
const (
	tjpfGray  = 6
	tjpfCMYK  = 11
	tjcsCMYK  = 3
	tjcsYCCK  = 4
	tjerrWarn = 0
)

// turbo is one TurboJPEG decompressor, freed when its Decoder is collected.
type turbo struct {
	c *C.cxl_tj
}

// openTurbo loads the TurboJPEG library lib (libturbojpeg.so.0); it
// returns nil and the reason when the library or a symbol is missing.
func openTurbo(lib string) (*turbo, string) {
	name := C.CString(lib)
	defer C.free(unsafe.Pointer(name))
	var why C.int
	c := C.cxl_tj_open(name, &why)
	if c == nil {
		switch why {
		case 1:
			return nil, lib + " not found: using Go's image/jpeg (install libturbojpeg0 for ~4x faster decoding)"
		case 2:
			return nil, lib + " lacks the TurboJPEG 1.4 API: using Go's image/jpeg"
		}
		return nil, lib + " failed to initialise: using Go's image/jpeg"
	}
	t := &turbo{c: c}
	runtime.AddCleanup(t, func(c *C.cxl_tj) { C.cxl_tj_close(c) }, c)
	return t, ""
}

// decodeTurbo decodes with libjpeg-turbo straight into the reusable gray
// buffer (CMYK files go through a scratch buffer).
func (d *Decoder) decodeTurbo(data []byte) (*image.Gray, error) {
	if len(data) == 0 {
		return nil, &DecodeError{Decoder: DecoderTurbo, Kind: ErrCorrupt, Msg: "empty file"}
	}
	t := d.turbo.c
	buf := (*C.uchar)(unsafe.Pointer(&data[0]))
	n := C.ulong(len(data))
	if C.cxl_tj_header(t, buf, n) != 0 {
		return nil, d.turboError()
	}
	w, h := int(t.width), int(t.height)
	if w <= 0 || h <= 0 {
		// A tables-only or cut-off header: libjpeg found no frame. Reset
		// the decompressor, which is left mid-stream.
		if C.cxl_tj_reset(t) != 0 {
			d.turbo, d.reason = nil, "libturbojpeg.so.0 failed to re-initialise after an error"
		}
		return nil, &DecodeError{Decoder: DecoderTurbo, Kind: ErrCorrupt, Msg: "no image in file"}
	}
	if int64(w)*int64(h) > int64(d.MaxPixels) {
		return nil, &DecodeError{Decoder: DecoderTurbo, Kind: ErrUnsupported, Msg: "image too large"}
	}
	g := d.gray(w, h)
	var rc C.int
	cmyk := t.colorspace == tjcsCMYK || t.colorspace == tjcsYCCK
	if cmyk {
		// libjpeg cannot convert CMYK to gray itself.
		if cap(d.tmp) < 4*w*h {
			d.tmp = make([]byte, 4*w*h)
		}
		rc = C.cxl_tj_decode(t, buf, n, (*C.uchar)(unsafe.Pointer(&d.tmp[0])), C.int(4*w), tjpfCMYK)
	} else {
		rc = C.cxl_tj_decode(t, buf, n, (*C.uchar)(unsafe.Pointer(&g.Pix[0])), C.int(w), tjpfGray)
	}
	runtime.KeepAlive(data)
	var warn error
	if rc != 0 {
		if C.cxl_tj_errcode(t) != tjerrWarn {
			return nil, d.turboError()
		}
		warn = &WarningError{Decoder: DecoderTurbo, Msg: C.GoString(C.cxl_tj_errstr(t))}
	}
	if cmyk {
		for i := range g.Pix {
			p := d.tmp[4*i : 4*i+4 : 4*i+4]
			g.Pix[i] = cmykToGray(p[0], p[1], p[2], p[3])
		}
	}
	return g, warn
}

// turboError turns TurboJPEG's last error into a *DecodeError and resets
// the decompressor so the next file starts clean. If the reset fails the
// Decoder falls back to Go's image/jpeg.
func (d *Decoder) turboError() error {
	msg := C.GoString(C.cxl_tj_errstr(d.turbo.c))
	kind := ErrCorrupt
	if isUnsupportedMsg(msg) {
		kind = ErrUnsupported
	}
	if C.cxl_tj_reset(d.turbo.c) != 0 {
		d.turbo, d.reason = nil, "libturbojpeg.so.0 failed to re-initialise after an error"
	}
	return &DecodeError{Decoder: DecoderTurbo, Kind: kind, Msg: msg}
}

// isUnsupportedMsg reports whether a libjpeg error message describes a
// valid file the library cannot decode (for example "Unsupported JPEG data
// precision 12") rather than a damaged one.
func isUnsupportedMsg(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "unsupported") || strings.Contains(m, "not supported")
}
