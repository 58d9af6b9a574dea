// Package imgproc is the image pipeline of cxlseg between the JPEG on disk
// and the two 224x224 CXLSeg JPEGs, except the network: JPEG decoding to
// 8-bit gray (libjpeg-turbo when it loads, Go's image/jpeg otherwise),
// OpenCV-faithful resizing (INTER_LINEAR and INTER_AREA) and CLAHE, mask
// clean-up (threshold, elliptical opening and closing, largest components,
// hole filling), composition (AND) and the CXLSeg encoders.
//
// Every type here reuses its buffers: one value per goroutine, called once
// per image, allocates nothing in steady state (except where a doc comment
// says otherwise). Values are not safe for concurrent use.
//
// Exactness against OpenCV 4.6 (Debian python3-opencv), checked by golden
// files under testdata/ made by testdata/make_goldens.py:
//
//	ResizeLinear  INTER_LINEAR, 8-bit        bit-exact
//	ResizeArea    INTER_AREA, 8-bit          bit-exact
//	CLAHE         createCLAHE(clip, tiles)   bit-exact
//	Erode/Dilate  MORPH_ELLIPSE k=3,5,7      bit-exact
//
// Floating-point expressions that must match OpenCV wrap every product in
// an explicit float32 conversion: the Go spec then forbids fusing it into
// an FMA, so GOAMD64=v3 builds give the same pixels as v1 builds.
package imgproc
