package sample

import (
	"image"
	"math"
	"math/rand/v2"
)

// MIMIC-CXR-JPG's typical image size: Rows (height) 3056, Columns
// (width) 2544.
const (
	PhantomWidth  = 2544
	PhantomHeight = 3056
)

// phantomScale is the factor between the anatomy field and the output:
// anatomy is smooth, so it is computed at 1/6 resolution and upsampled
// bilinearly; noise is added at full resolution.
const phantomScale = 6

// PhantomParams describes one synthetic chest X-ray. All lengths are
// fractions of the image width (x) or height (y).
type PhantomParams struct {
	LungTop      float64 // apex height, 0.09-0.14
	DiaphragmR   float64 // right hemidiaphragm dome (image left), 0.60-0.68
	DiaphragmL   float64 // left hemidiaphragm dome, a little lower
	LungWidth    float64 // scale of the lung fields, 0.92-1.05
	HeartWidth   float64 // half width of the heart shadow, 0.13-0.19
	HeartShift   float64 // heart centre right of the midline, 0.02-0.05
	Tilt         float64 // rotation in radians, about ±0.03
	Gain, Offset float64 // exposure
	Noise        float64 // noise amplitude in grey levels
	// Opacity, when Opacity > 0, is a patch of airspace disease at
	// (OpacityX, OpacityY) with radius OpacityR in the lung.
	Opacity, OpacityX, OpacityY, OpacityR float64
	Seed                                  uint64 // texture and noise
}

// Cardiomegaly reports whether the heart is drawn enlarged (a
// cardiothoracic ratio above one half).
func (p PhantomParams) Cardiomegaly() bool { return p.HeartWidth > 0.2 }

// RandomPhantom draws phantom parameters from r: mostly normal chests,
// about a third with an opacity and one in ten with an enlarged heart.
func RandomPhantom(r *rand.Rand) PhantomParams {
	u := func(a, b float64) float64 { return a + (b-a)*r.Float64() }
	p := PhantomParams{
		LungTop:    u(0.09, 0.13),
		DiaphragmR: u(0.61, 0.67),
		LungWidth:  u(0.94, 1.04),
		HeartWidth: u(0.15, 0.18),
		HeartShift: u(0.04, 0.06),
		Tilt:       u(-0.03, 0.03),
		Gain:       u(0.88, 1.08),
		Offset:     u(-12, 12),
		Noise:      u(2.5, 5),
		Seed:       r.Uint64(),
	}
	p.DiaphragmL = p.DiaphragmR + u(0.01, 0.035)
	if r.IntN(10) == 0 {
		p.HeartWidth = u(0.22, 0.25)
	}
	if r.IntN(3) == 0 {
		p.Opacity = u(35, 60)
		side := 0.3
		if r.IntN(2) == 0 {
			side = 0.7
		}
		p.OpacityX = side + u(-0.06, 0.06)
		p.OpacityY = u(0.3, 0.55)
		p.OpacityR = u(0.05, 0.1)
	}
	return p
}

// phantomField is the anatomy at reduced resolution: intensity and lung
// coverage (0..1), both to be upsampled.
type phantomField struct {
	w, h      int
	intensity []float32
	lung      []float32
}

// smoothstep maps d (a signed margin, positive inside) to a coverage in
// 0..1 over a band of half-width e.
func smoothstep(d, e float64) float64 {
	t := (d + e) / (2 * e)
	switch {
	case t <= 0:
		return 0
	case t >= 1:
		return 1
	}
	return t * t * (3 - 2*t)
}

// lungMargin returns a signed margin (positive inside, in units of the
// image width) for one lung in "right lung" coordinates: x runs from the
// lateral chest wall (small) to the midline (0.5). The other lung is
// drawn mirrored.
func lungMargin(p PhantomParams, x, y, dia float64, left bool) float64 {
	w := p.LungWidth
	// Upper lobe: half an ellipse gives the rounded apex.
	cx, cy := 0.5-0.21*w, 0.45
	a, b := 0.19*w, cy-p.LungTop
	var m float64
	if y < cy {
		d := math.Sqrt(sq((x-cx)/a) + sq((y-cy)/b))
		m = (1 - d) * math.Min(a, b)
	} else {
		// Below: the chest wall widens a little to the costophrenic
		// angle.
		lat := cx - a - 0.015*(y-cy)/(dia-cy+0.1)
		m = x - lat
	}
	// Diaphragm: a dome, deepest at the lateral costophrenic angle.
	m = math.Min(m, diaphragm(p, x, dia)-y)
	// Mediastinum; on the left the aortic knob bulges into the lung.
	med := 0.43
	if left {
		med = 0.445 - 0.035*math.Exp(-sq((y-0.27)/0.04))
	}
	return math.Min(m, med-x)
}

// diaphragm returns the height of the hemidiaphragm at x (lung
// coordinates as in lungMargin) for a dome at height dia.
func diaphragm(p PhantomParams, x, dia float64) float64 {
	xc := 0.5 - 0.2*p.LungWidth
	k := 0.05
	if x < xc {
		k = 0.12
	}
	return dia + k*sq((x-xc)/(0.2*p.LungWidth))
}

// heartMargin is positive inside the heart shadow (an ellipse whose lower
// part hides behind the diaphragm).
func heartMargin(p PhantomParams, x, y float64) float64 {
	// An ellipse whose long axis runs from the base (upper right of the
	// patient, image left) down to the apex (lower left, image right),
	// in units where x and y have the same physical scale.
	const aspect = PhantomHeight / float64(PhantomWidth)
	cx, cy := 0.5+p.HeartShift, 0.5*(p.DiaphragmR+p.DiaphragmL)-0.07
	u, v := x-cx, (y-cy)*aspect
	const c, s = 0.819, 0.574 // cos and sin of 35 degrees
	along, across := c*u+s*v, -s*u+c*v
	d := math.Sqrt(sq(along/(1.3*p.HeartWidth)) + sq(across/(0.88*p.HeartWidth)))
	return (1 - d) * p.HeartWidth
}

func sq(v float64) float64 { return v * v }

// renderField computes the anatomy at w x h.
// renderField computes the anatomy at w x h into f, reusing its slices.
func renderField(f *phantomField, p PhantomParams, w, h int) {
	f.w, f.h = w, h
	f.intensity = grow(f.intensity, w*h)
	f.lung = grow(f.lung, w*h)
	r := rand.New(rand.NewPCG(p.Seed, 0x9e3779b97f4a7c15))
	// Lung texture: value noise at two scales (vessels and
	// parenchyma).
	nz := texture{coarse: newNoiseGrid(r, 24, 28), fine: newNoiseGrid(r, 70, 84)}
	nz.phase = r.Float64() * 2 * math.Pi
	// Rib phases vary a little per image.
	ribJitter := r.Float64()*0.01 - 0.005
	cosT, sinT := math.Cos(p.Tilt), math.Sin(p.Tilt)
	aspect := float64(h) / float64(w)
	e := 1.5 / float64(w) // anti-aliasing band
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			u := (float64(i) + 0.5) / float64(w)
			v := (float64(j) + 0.5) / float64(h)
			// Tilt about the centre, keeping the aspect ratio.
			dx, dy := u-0.5, (v-0.5)*aspect
			x := 0.5 + cosT*dx - sinT*dy
			y := 0.5 + (sinT*dx+cosT*dy)/aspect
			val, lung := chestAt(p, x, y, e, &nz, ribJitter)
			f.intensity[j*w+i] = float32(val)
			f.lung[j*w+i] = float32(lung)
		}
	}
}

// noiseGrid is a grid of random values in -1..1 for value noise.
type noiseGrid struct {
	w, h int
	v    []float64
}

func newNoiseGrid(r *rand.Rand, w, h int) noiseGrid {
	g := noiseGrid{w: w, h: h, v: make([]float64, w*h)}
	for i := range g.v {
		g.v[i] = r.Float64()*2 - 1
	}
	return g
}

// at samples the grid at (x, y) in 0..1 with smooth (C1) interpolation,
// which avoids the diamond artefacts of plain bilinear value noise.
func (g *noiseGrid) at(x, y float64) float64 {
	gx := math.Min(math.Max(x, 0), 1) * float64(g.w-1)
	gy := math.Min(math.Max(y, 0), 1) * float64(g.h-1)
	x0, y0 := min(int(gx), g.w-2), min(int(gy), g.h-2)
	fx, fy := gx-float64(x0), gy-float64(y0)
	fx, fy = fx*fx*(3-2*fx), fy*fy*(3-2*fy)
	r0, r1 := g.v[y0*g.w:], g.v[(y0+1)*g.w:]
	a := r0[x0] + (r0[x0+1]-r0[x0])*fx
	b := r1[x0] + (r1[x0+1]-r1[x0])*fx
	return a + (b-a)*fy
}

// texture is the lung parenchyma and vessel pattern.
type texture struct {
	coarse, fine noiseGrid
	phase        float64 // angular offset of the vessel pattern
}

// lungTexture returns the change of brightness inside the lungs: dark
// fields, darkest at the periphery of the upper zones, brighter at the
// hila; vessels and parenchyma as noise that fades outwards; and the
// opacity, if any.
func lungTexture(p PhantomParams, x, y, lx, lung, body float64, nz *texture) float64 {
	hilum := math.Exp(-(sq((lx-0.40)/0.08) + sq((y-0.42)/0.10)))
	tex := 0.7*nz.coarse.at(x, y) + 0.5*nz.fine.at(x, y)
	// Vascular markings: stripes radiating from the hilum, wavy, fading
	// towards the periphery.
	hx, hy := lx-0.42, y-0.43
	rad := math.Sqrt(hx*hx + hy*hy)
	theta := math.Atan2(hy, -hx)
	stripe := math.Cos(18*theta + nz.phase + 4*nz.coarse.at(y, x) + 25*rad)
	vessel := 0.0
	if stripe > 0.6 {
		vessel = sq((stripe-0.6)/0.4) * math.Exp(-rad/0.17)
	}
	lungDark := 86 - 30*hilum - 6*tex - 18*vessel*smoothstep(rad-0.04, 0.02)
	lungDark -= 18 * math.Max(0, y-0.42) // breast and soft tissue over the bases
	dv := -lung * lungDark * body
	if p.Opacity > 0 {
		d := sq((x-p.OpacityX)/p.OpacityR) + sq((y-p.OpacityY)/(p.OpacityR*0.9))
		dv += lung * p.Opacity * math.Exp(-d) * (0.85 + 0.3*tex)
	}
	return dv
}

// chestAt returns the brightness (about 0-255, before exposure) and lung
// coverage at (x, y).
func chestAt(p PhantomParams, x, y, e float64, nz *texture, ribJitter float64) (float64, float64) {
	ax := math.Abs(x - 0.5)
	// Body: the torso fills the width, its edges soft; the arms and
	// shoulders reach the corners at the top.
	half := 0.455 + 0.02*math.Sin(math.Pi*y) + 0.06*math.Max(0, (0.12-y)/0.12)
	body := smoothstep(half-ax, 0.025)
	val := 12 + 150*body
	// Thicker soft tissue towards the lateral edges and the bottom.
	val += body * (14*sq(ax/0.47) + 10*y)
	left := x > 0.5
	lx, dia := x, p.DiaphragmR
	if left {
		lx, dia = 1-x, p.DiaphragmL
	}
	heart := heartMargin(p, x, y)
	lung := smoothstep(math.Min(lungMargin(p, lx, y, dia, left), -heart), e)
	// Dense structures: abdomen below the diaphragm, the heart and the
	// mediastinum; they overlap without adding up.
	below := smoothstep(y-diaphragm(p, lx, dia), 0.003)
	hc := smoothstep(heart, 0.003)
	med := smoothstep(0.085-ax-0.03*math.Max(0, 0.3-y), 0.012)
	dense := math.Max(math.Max(20*below, 24*hc), 20*med)
	val += dense * body
	// Gastric bubble under the left hemidiaphragm.
	if left {
		g := sq((x-0.65)/0.05) + sq((y-(p.DiaphragmL+0.045))/0.025)
		val -= 40 * smoothstep(1-g, 0.4) * body
	}
	// Trachea: an air column above the carina.
	val -= 18 * smoothstep(0.013-math.Abs(x-0.5+0.003), 0.004) * smoothstep(0.31-y, 0.015) * smoothstep(y-0.02, 0.01)
	// Spine: vertebral bodies with darker discs, faint behind the heart
	// and abdomen.
	spine := smoothstep(0.034-ax, 0.006) * smoothstep(y-0.03, 0.02)
	if spine > 0 {
		disc := 0.5 + 0.5*math.Cos(2*math.Pi*(y-0.02)/(0.045+0.01*y))
		val += spine * (10 + 7*disc) * (1 - 0.4*math.Max(below, hc))
	}
	// Everything below is inside the lungs only; skipping it elsewhere
	// saves most of the cost and changes nothing (it is scaled by lung).
	if lung > 0 {
		val += lungTexture(p, x, y, lx, lung, body, nz)
	}
	// Ribs and clavicles over the thorax.
	thorax := smoothstep(half-0.03-ax, 0.015) * smoothstep(0.78-y, 0.05)
	if thorax > 0 {
		xr := ax / 0.42
		ribs := 0.0
		for k := 0; k < 10; k++ {
			// Posterior ribs leave the spine, rise a little, then
			// sweep down along the chest wall.
			yk := p.LungTop + 0.015 + ribJitter + float64(k)*(0.05+0.002*float64(k)) - 0.035*xr + 0.15*sq(xr)
			d := math.Abs(y-yk) / (0.011 + 0.0006*float64(k))
			if d < 1.3 {
				ribs += 13*smoothstep(1-d, 0.15) + 5*math.Exp(-sq((d-0.92)/0.1))
			}
			// Anterior ribs slope down towards the sternum, fainter.
			if k < 6 {
				ya := p.LungTop + 0.03 + float64(k)*0.062 + 0.11*sq(1-xr)
				da := math.Abs(y-ya) / 0.012
				if da < 1.2 {
					ribs += 5 * smoothstep(1-da, 0.25)
				}
			}
		}
		// Ribs fade over the mediastinum and beyond the chest wall.
		ribs *= smoothstep(ax-0.06, 0.03) * (0.4 + 0.6*lung)
		val += ribs * thorax
		// Clavicles: from the sternal notch out and up, S-shaped.
		s := (ax - 0.05) / 0.36
		if s > 0 && s < 1 {
			yc := p.LungTop + 0.06 - 0.085*s*math.Sqrt(math.Sqrt(1/s)) // s^0.75
			dc := math.Abs(y-yc) / (0.012 + 0.003*s)
			val += 20 * smoothstep(1-dc, 0.3) * smoothstep(ax-0.045, 0.015)
		}
	}
	return val, lung
}

// grow returns s resized to n elements, reusing its array when it can.
func grow(s []float32, n int) []float32 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float32, n)
}

// Phantom renders a phantom chest X-ray of w x h pixels and its lung mask
// (255 inside the lungs, heart excluded). The result depends only on p
// and the size. Use a Renderer to draw many without reallocating.
func Phantom(p PhantomParams, w, h int) (img, mask *image.Gray) {
	return new(Renderer).Render(p, w, h)
}

// Renderer draws phantoms and keeps its buffers between calls: fresh
// memory is slow to touch in small VMs, and a MIMIC-size phantom needs
// about 20 MB. A Renderer is not safe for concurrent use.
type Renderer struct {
	field     phantomField
	img, mask *image.Gray
}

// Render draws a phantom like Phantom. The images it returns are reused
// by the next call.
func (rd *Renderer) Render(p PhantomParams, w, h int) (img, mask *image.Gray) {
	lw, lh := (w+phantomScale-1)/phantomScale, (h+phantomScale-1)/phantomScale
	f := &rd.field
	renderField(f, p, lw, lh)
	if rd.img == nil || rd.img.Rect.Dx() != w || rd.img.Rect.Dy() != h {
		rd.img = image.NewGray(image.Rect(0, 0, w, h))
		rd.mask = image.NewGray(image.Rect(0, 0, w, h))
	}
	img, mask = rd.img, rd.mask
	// Bilinear upsampling with half-pixel centres; column weights once.
	x0s := make([]int, w)
	fxs := make([]float32, w)
	for i := 0; i < w; i++ {
		sx := (float64(i)+0.5)*float64(lw)/float64(w) - 0.5
		sx = math.Max(0, math.Min(sx, float64(lw-1)))
		x0 := min(int(sx), lw-2)
		x0s[i], fxs[i] = x0, float32(sx-float64(x0))
	}
	noise := rand.New(rand.NewPCG(p.Seed^0x5deece66d, 1))
	gain, off := float32(p.Gain), float32(p.Offset)
	amp := float32(p.Noise)
	for j := 0; j < h; j++ {
		sy := (float64(j)+0.5)*float64(lh)/float64(h) - 0.5
		sy = math.Max(0, math.Min(sy, float64(lh-1)))
		y0 := min(int(sy), lh-2)
		fy := float32(sy - float64(y0))
		r0, r1 := f.intensity[y0*lw:], f.intensity[(y0+1)*lw:]
		l0, l1 := f.lung[y0*lw:], f.lung[(y0+1)*lw:]
		row := img.Pix[j*img.Stride : j*img.Stride+w]
		mrow := mask.Pix[j*mask.Stride : j*mask.Stride+w]
		var bits uint64
		nbits := 0
		for i := 0; i < w; i++ {
			x0, fx := x0s[i], fxs[i]
			a := r0[x0] + (r0[x0+1]-r0[x0])*fx
			b := r1[x0] + (r1[x0+1]-r1[x0])*fx
			v := a + (b-a)*fy
			la := l0[x0] + (l0[x0+1]-l0[x0])*fx
			lb := l1[x0] + (l1[x0+1]-l1[x0])*fx
			mrow[i] = 0
			if la+(lb-la)*fy >= 0.5 {
				mrow[i] = 255
			}
			// Noise: sum of two 8-bit uniforms, roughly triangular.
			if nbits < 16 {
				bits, nbits = noise.Uint64(), 64
			}
			n := float32(int(bits&0xff)+int(bits>>8&0xff)-255) / 255
			bits >>= 16
			nbits -= 16
			v = v*gain + off + n*amp
			switch {
			case v < 0:
				v = 0
			case v > 255:
				v = 255
			}
			row[i] = uint8(v + 0.5)
		}
	}
	return img, mask
}
