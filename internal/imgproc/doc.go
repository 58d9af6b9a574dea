// Package imgproc is the image pipeline of cxlseg between the JPEG on disk
// and the two 224x224 CXLSeg JPEGs, except the network: JPEG decoding to
// 8-bit gray (libjpeg-turbo when it loads, Go's image/jpeg otherwise),
// OpenCV-faithful resizing (INTER_LINEAR and INTER_AREA) and CLAHE, mask
// clean-up (threshold, elliptical opening and closing, largest components,
// hole filling), composition (And) and the CXLSeg encoders.
//
// # Buffers
//
// Every type here reuses its buffers: one value per goroutine, called once
// per image, allocates nothing in steady state. The exceptions are the Go
// image/jpeg decoding path (it allocates each image) and the package-level
// helper functions (ResizeLinear, ResizeArea, Erode, ...), which build
// their tables per call; use a Resizer, Cleaner, ... to reuse them. Values
// are not safe for concurrent use.
//
// # Exactness
//
// Checked against OpenCV 4.6 (Debian python3-opencv) by golden files under
// testdata/golden, made by testdata/make_goldens.py:
//
//	ResizeLinear   cv2.resize INTER_LINEAR, 8-bit     bit-exact (incl. 2544x3056 -> 224)
//	ResizeArea     cv2.resize INTER_AREA, 8-bit       bit-exact (integer, fractional, enlarging)
//	CLAHE          cv2.createCLAHE(clip, tiles)       bit-exact (also padded sizes, clip 0)
//	Ellipse        getStructuringElement(ELLIPSE,k)   identical, k = 1..9
//	Erode/Dilate   erode/dilate/morphologyEx OPEN/CLOSE, ellipse 3,4,5,7,9, 1-2 iterations: bit-exact
//	Cleaner        morphologyEx + connectedComponentsWithStats + floodFill clean-up: identical
//	Decoder        libjpeg-turbo path vs cv2.imread   identical (12 real X-rays, gray/YCbCr/progressive fixtures)
//	               Go image/jpeg path vs turbo path   within ±1 (83 real X-rays: ~1.8 % of pixels differ by 1)
//	End to end     decode > LINEAR 224; decode > AREA 224 > CLAHE: identical to OpenCV (12 real X-rays)
//	Encoder        decoded pixels vs image/jpeg's      within ±3 at q95 (own baseline encoder, package jpegenc)
//
// Bit-exactness follows OpenCV's arithmetic, including its quirks: 11-bit
// fixed-point linear weights with its SIMD rounding ((S>>4)*w>>16, then
// (+2)>>2) on every column, unclamped vertical weights at the borders,
// (sum+2)>>2 for 2x2 boxes but float32 cvRound(sum*(1/area)) for other
// integer boxes, float32 fractional-area sums in OpenCV's order, and
// float32 CLAHE blending. Floating-point expressions that must match wrap
// every product in an explicit float32 conversion: the Go spec then forbids
// fusing it into an FMA, so GOAMD64=v3 builds give the same pixels as v1
// builds (the tests pass with both).
//
// ResizeArea's horizontal pass, the costliest step after decoding, runs
// on 8 source rows at a time (one per vector lane) with AVX2 where the CPU
// has it (package simd, Go assembly); it computes the same float32
// operations in the same order, and the tests check it against the Go code
// bit for bit. Build with -tags purego to use Go only.
//
// # Decoding
//
// NewDecoder loads libturbojpeg.so.0 at run time with dlopen (cgo builds;
// the build needs no libjpeg-turbo headers or library) and falls back to
// Go's image/jpeg when cgo is off or the library is absent; Decoder.Name
// and Decoder.Why say which is in use and why. Errors are *DecodeError
// wrapping ErrCorrupt or ErrUnsupported; libjpeg's recoverable warnings
// (a truncated file: "premature end of data segment") come back as a
// *WarningError together with a usable image (the missing part mid-gray),
// which a caller keeps or skips. Go's image/jpeg cannot recover truncated
// files: they are ErrCorrupt on that path. 12-bit JPEGs are ErrUnsupported
// on both paths (libjpeg-turbo's 12-bit API needs version 3).
package imgproc
