package imgproc

import "image"

// And writes img AND mask into dst: each pixel of img where the mask
// pixel is non-zero, 0 elsewhere. This is CXLSeg's "segmented" image
// (OpenCV's bitwise_and with a 0/255 mask gives the same pixels). All
// three images must have the same size (it panics otherwise: a
// programming error, not bad input); dst may alias img.
func And(dst, img, mask *image.Gray) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if img.Rect.Dx() != w || img.Rect.Dy() != h || mask.Rect.Dx() != w || mask.Rect.Dy() != h {
		panic("imgproc.And: image sizes differ")
	}
	for y := 0; y < h; y++ {
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		s := img.Pix[y*img.Stride : y*img.Stride+w]
		m := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		for x := range d {
			var keep byte // 0xFF where the mask is set
			if m[x] != 0 {
				keep = 0xFF
			}
			d[x] = s[x] & keep
		}
	}
}
