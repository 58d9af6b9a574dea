package lungdata

import (
	"context"
	"fmt"
	"sync"

	"github.com/cxlseg/cxlseg/internal/preprocess"
)

// Set is a list of items decoded and preprocessed into memory at one model
// size: the 8-bit CLAHE images (package preprocess's Gray8) and 0/1 masks.
// Keeping 8-bit values costs a quarter of float32: the 1,763 lungseg images
// at 224 take 2 x 88 MB. Training converts per batch.
type Set struct {
	Size   int
	Items  []Item
	Images []uint8 // len(Items) * Size*Size
	Masks  []uint8 // len(Items) * Size*Size, values 0 or 1
}

// Len is the number of items.
func (s *Set) Len() int { return len(s.Items) }

// Image returns item i's preprocessed 8-bit image (Size*Size values).
func (s *Set) Image(i int) []uint8 {
	n := s.Size * s.Size
	return s.Images[i*n : (i+1)*n]
}

// Mask returns item i's 0/1 mask at Size (Size*Size values).
func (s *Set) Mask(i int) []uint8 {
	n := s.Size * s.Size
	return s.Masks[i*n : (i+1)*n]
}

// Load decodes and preprocesses items with workers goroutines. The first
// error stops the load and is returned, naming the file; ctx cancels it.
func Load(ctx context.Context, items []Item, size, workers int) (*Set, error) {
	n := size * size
	s := &Set{Size: size, Items: items, Images: make([]uint8, len(items)*n), Masks: make([]uint8, len(items)*n)}
	workers = max(1, min(workers, len(items)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ld, pp := NewLoader(), preprocess.New(size)
			for i := range jobs {
				if err := s.loadOne(ld, pp, i); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for i := range items {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return s, nil
}

func (s *Set) loadOne(ld *Loader, pp *preprocess.Preprocessor, i int) error {
	it := s.Items[i]
	img, m, err := ld.Pair(it)
	if err != nil {
		return err
	}
	g, err := pp.Gray8(img)
	if err != nil {
		return fmt.Errorf("%s: %w", it.Image, err)
	}
	copy(s.Image(i), g.Pix)
	if err := pp.Mask(s.Mask(i), m); err != nil {
		return fmt.Errorf("%s: %w", it.Masks[0], err)
	}
	return nil
}
