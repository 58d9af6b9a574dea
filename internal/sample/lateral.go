package sample

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// lateralJPEG draws a small, crude lateral chest view (body outline, one
// dark lung field, spine behind, heart in front) as a JPEG. Lateral rows
// are only there to be filtered out, so the image needs only to be a
// valid radiograph-like JPEG of the stated size.
func lateralJPEG(seed uint64, w, h int) ([]byte, error) {
	r := rand.New(rand.NewPCG(seed, 2))
	img := image.NewGray(image.Rect(0, 0, w, h))
	cx := 0.5 + (r.Float64()-0.5)*0.04
	for j := 0; j < h; j++ {
		y := (float64(j) + 0.5) / float64(h)
		for i := 0; i < w; i++ {
			x := (float64(i) + 0.5) / float64(w)
			body := smoothstep(0.4-math.Abs(x-cx)-0.05*math.Max(0, 0.15-y), 0.02)
			v := 15 + 150*body
			lung := smoothstep(1-math.Hypot((x-cx+0.02)/0.27, (y-0.45)/0.33), 0.03)
			heart := smoothstep(1-math.Hypot((x-cx+0.12)/0.14, (y-0.62)/0.14), 0.03)
			spine := smoothstep(0.04-math.Abs(x-cx-0.27+0.05*y), 0.01)
			v -= 80 * lung * (1 - heart)
			v += 25*spine + 10*heart*lung
			v += (r.Float64() - 0.5) * 6
			img.Pix[j*img.Stride+i] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
