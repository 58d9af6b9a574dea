package imgproc

import (
	"image"
	"math"
)

// CLAHE is contrast-limited adaptive histogram equalisation with the
// semantics of OpenCV's cv::createCLAHE(clipLimit, (tilesX, tilesY)) on
// 8-bit images: the image is cut into tilesX x tilesY tiles (padded on
// the right and bottom with BORDER_REFLECT_101 when the size is not a
// multiple of the grid), each tile's histogram is clipped at
// max(int(clip*tileArea/256), 1) with the excess redistributed evenly
// (batch, then a residual step), its cumulative histogram becomes a
// lookup table, and each output pixel blends the four nearest tiles'
// tables bilinearly. Bit-exact to OpenCV 4.6.
//
// A CLAHE reuses its buffers: applying it to images of one size allocates
// nothing.
type CLAHE struct {
	clip           float64
	tilesX, tilesY int

	w, h     int
	ext      image.Gray // padded copy when the size is not a grid multiple
	lut      []byte     // tilesX*tilesY tables of 256 entries
	ind1     []int32    // per column: left tile's table offset
	ind2     []int32    // per column: right tile's table offset
	xa, xa1  []float32  // per column: weights of the right and left tile
	tw, th   int        // tile size
	hist     [256]int32
	tileArea int
}

// NewCLAHE returns a CLAHE with OpenCV's clipLimit and tile grid. A clip
// of 0 or less disables clipping (plain adaptive equalisation). Tile
// counts below 1 are treated as 1.
func NewCLAHE(clip float64, tilesX, tilesY int) *CLAHE {
	return &CLAHE{clip: clip, tilesX: max(tilesX, 1), tilesY: max(tilesY, 1)}
}

// Apply writes the equalised src into dst, which must have src's size.
// dst may be src.
func (c *CLAHE) Apply(dst, src *image.Gray) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if w == 0 || h == 0 {
		return
	}
	c.prepare(w, h)
	forLut := src
	if w%c.tilesX != 0 || h%c.tilesY != 0 {
		padReflect101(&c.ext, src, c.tw*c.tilesX, c.th*c.tilesY)
		forLut = &c.ext
	}
	c.computeLUTs(forLut)
	c.interpolate(dst, src)
}

// prepare sizes the tables for a w x h image.
func (c *CLAHE) prepare(w, h int) {
	if c.w == w && c.h == h && c.lut != nil {
		return
	}
	c.w, c.h = w, h
	if w%c.tilesX == 0 && h%c.tilesY == 0 {
		c.tw, c.th = w/c.tilesX, h/c.tilesY
	} else {
		// OpenCV pads by tiles - (size % tiles) on each axis, even when
		// that axis already divides (a whole extra tile's worth of rows).
		c.tw = (w + c.tilesX - w%c.tilesX) / c.tilesX
		c.th = (h + c.tilesY - h%c.tilesY) / c.tilesY
	}
	c.tileArea = c.tw * c.th
	if n := c.tilesX * c.tilesY * 256; cap(c.lut) < n {
		c.lut = make([]byte, n)
	} else {
		c.lut = c.lut[:n]
	}
	c.ind1 = sizedInt32(c.ind1, w)
	c.ind2 = sizedInt32(c.ind2, w)
	c.xa = sizedFloat32(c.xa, w)
	c.xa1 = sizedFloat32(c.xa1, w)
	invTW := 1 / float32(c.tw)
	for x := 0; x < w; x++ {
		txf := float32(float32(x)*invTW) - 0.5
		tx1 := int(math.Floor(float64(txf)))
		tx2 := tx1 + 1
		c.xa[x] = txf - float32(tx1)
		c.xa1[x] = 1 - c.xa[x]
		tx1 = max(tx1, 0)
		tx2 = min(tx2, c.tilesX-1)
		c.ind1[x] = int32(tx1 * 256)
		c.ind2[x] = int32(tx2 * 256)
	}
}

// computeLUTs builds each tile's clipped, equalised lookup table from img
// (the padded image when padding was needed).
func (c *CLAHE) computeLUTs(img *image.Gray) {
	clipLimit := int32(0)
	if c.clip > 0 {
		clipLimit = max(int32(c.clip*float64(c.tileArea)/256), 1)
	}
	lutScale := float32(255) / float32(c.tileArea)
	for ty := 0; ty < c.tilesY; ty++ {
		for tx := 0; tx < c.tilesX; tx++ {
			hist := &c.hist
			clear(hist[:])
			for y := ty * c.th; y < (ty+1)*c.th; y++ {
				row := img.Pix[y*img.Stride+tx*c.tw : y*img.Stride+(tx+1)*c.tw]
				for _, v := range row {
					hist[v]++
				}
			}
			if clipLimit > 0 {
				clipped := int32(0)
				for i := range hist {
					if hist[i] > clipLimit {
						clipped += hist[i] - clipLimit
						hist[i] = clipLimit
					}
				}
				batch := clipped / 256
				residual := clipped - batch*256
				for i := range hist {
					hist[i] += batch
				}
				if residual != 0 {
					step := max(256/residual, 1)
					for i := int32(0); i < 256 && residual > 0; i, residual = i+step, residual-1 {
						hist[i]++
					}
				}
			}
			lut := c.lut[(ty*c.tilesX+tx)*256:][:256]
			sum := int32(0)
			for i := range hist {
				sum += hist[i]
				lut[i] = roundU8(float32(sum) * lutScale)
			}
		}
	}
}

// interpolate blends the four nearest tile tables for every pixel, in
// float32 with every product rounded (no FMA) as OpenCV computes it.
func (c *CLAHE) interpolate(dst, src *image.Gray) {
	invTH := 1 / float32(c.th)
	for y := 0; y < c.h; y++ {
		tyf := float32(float32(y)*invTH) - 0.5
		ty1 := int(math.Floor(float64(tyf)))
		ty2 := ty1 + 1
		ya := tyf - float32(ty1)
		ya1 := 1 - ya
		ty1 = max(ty1, 0)
		ty2 = min(ty2, c.tilesY-1)
		lut1 := c.lut[ty1*c.tilesX*256 : (ty1+1)*c.tilesX*256]
		lut2 := c.lut[ty2*c.tilesX*256 : (ty2+1)*c.tilesX*256]
		s := src.Pix[y*src.Stride : y*src.Stride+c.w]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+c.w]
		for x, v := range s {
			i1 := c.ind1[x] + int32(v)
			i2 := c.ind2[x] + int32(v)
			xa, xa1 := c.xa[x], c.xa1[x]
			top := float32(float32(lut1[i1])*xa1) + float32(float32(lut1[i2])*xa)
			bot := float32(float32(lut2[i1])*xa1) + float32(float32(lut2[i2])*xa)
			d[x] = roundU8(float32(top*ya1) + float32(bot*ya))
		}
	}
}

// padReflect101 copies src into ext (resized to w x h, at least src's
// size) extending right and bottom with OpenCV's BORDER_REFLECT_101
// (gfedcb|abcdefgh|gfedcba).
func padReflect101(ext *image.Gray, src *image.Gray, w, h int) {
	if cap(ext.Pix) < w*h {
		ext.Pix = make([]byte, w*h)
	}
	ext.Pix = ext.Pix[:w*h]
	ext.Stride = w
	ext.Rect = image.Rect(0, 0, w, h)
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	for y := 0; y < h; y++ {
		sy := reflect101(y, sh)
		s := src.Pix[sy*src.Stride : sy*src.Stride+sw]
		d := ext.Pix[y*w : (y+1)*w]
		copy(d, s)
		for x := sw; x < w; x++ {
			d[x] = s[reflect101(x, sw)]
		}
	}
}

// reflect101 maps an index beyond [0, n) back inside by reflection about
// the edge pixels (OpenCV's borderInterpolate with BORDER_REFLECT_101).
func reflect101(i, n int) int {
	if n == 1 {
		return 0
	}
	for i < 0 || i >= n {
		if i < 0 {
			i = -i
		} else {
			i = 2*n - 2 - i
		}
	}
	return i
}
