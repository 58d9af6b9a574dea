package lungdata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// imageExts are the file types the loaders decode.
var imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".img": true}

func isImage(name string) bool { return imageExts[strings.ToLower(filepath.Ext(name))] }

// Open detects the layout of root (see the package doc) and lists it.
func Open(root string) (*Listing, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", root, err)
	}
	if !st.IsDir() {
		if strings.EqualFold(filepath.Ext(root), ".csv") {
			return ReadIndex(root)
		}
		return nil, fmt.Errorf("open %s: not a directory or an index.csv", root)
	}
	if fileExists(filepath.Join(root, "index.csv")) {
		return ReadIndex(filepath.Join(root, "index.csv"))
	}
	if findDir(root, "leftMask", 3) != "" && findDir(root, "rightMask", 3) != "" {
		return ReadMontgomery(root)
	}
	if findDir(root, "left lung", 4) != "" {
		return ReadJSRT(root)
	}
	if d := firstDir(root, "CXR_png"); d != "" {
		return ReadShenzhen(root)
	}
	if isDir(filepath.Join(root, "images")) && isDir(filepath.Join(root, "masks")) {
		return ReadPairs(root, filepath.Base(root), UnknownConvention)
	}
	return nil, fmt.Errorf("open %s: no known layout (index.csv; images/ + masks/; Montgomery leftMask/rightMask; Shenzhen CXR_png + masks/*_mask.png; JSRT *.IMG + SCR \"left lung\"/\"right lung\")", root)
}

// ReadPairs lists root/images and root/masks: the mask of images/x/y.ext
// is masks/x/y.* or masks/x/y_mask.* (any image extension). source and
// convention label every item.
func ReadPairs(root, source, convention string) (*Listing, error) {
	l, err := pairDirs(filepath.Join(root, "images"), filepath.Join(root, "masks"), source, convention)
	if err != nil {
		return nil, err
	}
	l.Layout = "pairs"
	return l, nil
}

// ReadShenzhen lists the Shenzhen set: images in CXR_png (or images) and
// masks in masks (or mask) named <name>_mask.png, anywhere one level under
// root or in root itself. Images without a mask (the public mask set covers
// 566 of 662 images) are left out and reported in Unmatched.
func ReadShenzhen(root string) (*Listing, error) {
	imgDir := firstDir(root, "CXR_png", "images")
	maskDir := firstDir(root, "masks", "mask")
	if imgDir == "" || maskDir == "" {
		return nil, fmt.Errorf("read %s: Shenzhen layout needs CXR_png/ (or images/) and masks/", root)
	}
	l, err := pairDirs(imgDir, maskDir, "shenzhen", HeartExcluded)
	if err != nil {
		return nil, err
	}
	l.Layout = "shenzhen"
	return l, nil
}

// ReadMontgomery lists the Montgomery County set: images in CXR_png, masks
// in leftMask and rightMask folders under the same root (any depth up to 3),
// each named as its image.
func ReadMontgomery(root string) (*Listing, error) {
	left, right := findDir(root, "leftMask", 3), findDir(root, "rightMask", 3)
	imgDir := findDir(root, "CXR_png", 3)
	if left == "" || right == "" || imgDir == "" {
		return nil, fmt.Errorf("read %s: Montgomery layout needs CXR_png/, leftMask/ and rightMask/", root)
	}
	names, err := listFiles(imgDir)
	if err != nil {
		return nil, err
	}
	l := &Listing{Layout: "montgomery"}
	for _, rel := range names {
		lm, rm := filepath.Join(left, rel), filepath.Join(right, rel)
		if !fileExists(lm) || !fileExists(rm) {
			l.Unmatched = append(l.Unmatched, filepath.Join(imgDir, rel))
			continue
		}
		l.Items = append(l.Items, newItem("montgomery", rel, HeartExcluded, filepath.Join(imgDir, rel), lm, rm))
	}
	if len(l.Items) == 0 {
		return nil, fmt.Errorf("read %s: no Montgomery image has both lung masks", root)
	}
	return l, nil
}

// ReadJSRT lists JSRT raw images (*.IMG, any depth) that have SCR left and
// right lung masks (<name>.gif in folders named "left lung" and
// "right lung", any depth up to 4).
func ReadJSRT(root string) (*Listing, error) {
	masks := map[string][2]string{} // stem -> left, right
	var imgs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		stem := strings.TrimSuffix(d.Name(), filepath.Ext(d.Name()))
		switch dir := filepath.Base(filepath.Dir(p)); {
		case strings.EqualFold(filepath.Ext(p), ".img"):
			imgs = append(imgs, p)
		case dir == "left lung" && isImage(p):
			m := masks[stem]
			if m[0] == "" {
				m[0] = p
			}
			masks[stem] = m
		case dir == "right lung" && isImage(p):
			m := masks[stem]
			if m[1] == "" {
				m[1] = p
			}
			masks[stem] = m
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", root, err)
	}
	sort.Strings(imgs)
	l := &Listing{Layout: "jsrt"}
	for _, p := range imgs {
		stem := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		m := masks[stem]
		if m[0] == "" || m[1] == "" {
			l.Unmatched = append(l.Unmatched, p)
			continue
		}
		l.Items = append(l.Items, newItem("jsrt", stem, HeartExcluded, p, m[0], m[1]))
	}
	if len(l.Items) == 0 {
		return nil, fmt.Errorf("read %s: no JSRT .IMG file has SCR left and right lung masks", root)
	}
	return l, nil
}

// pairDirs matches every image under imgDir with its mask under maskDir.
func pairDirs(imgDir, maskDir, source, convention string) (*Listing, error) {
	names, err := listFiles(imgDir)
	if err != nil {
		return nil, err
	}
	maskNames, err := listFiles(maskDir)
	if err != nil {
		return nil, err
	}
	byStem := map[string]string{}
	for _, m := range maskNames {
		stem := strings.TrimSuffix(m, filepath.Ext(m))
		if s, ok := strings.CutSuffix(stem, "_mask"); ok {
			stem = s
		}
		if _, dup := byStem[stem]; !dup {
			byStem[stem] = m
		}
	}
	l := &Listing{}
	for _, rel := range names {
		stem := strings.TrimSuffix(rel, filepath.Ext(rel))
		m, ok := byStem[stem]
		if !ok {
			l.Unmatched = append(l.Unmatched, filepath.Join(imgDir, rel))
			continue
		}
		l.Items = append(l.Items, newItem(source, stem, convention, filepath.Join(imgDir, rel), filepath.Join(maskDir, m)))
	}
	if len(l.Items) == 0 {
		return nil, fmt.Errorf("read %s: no image has a mask in %s", imgDir, maskDir)
	}
	return l, nil
}

func newItem(source, name, convention, img string, masks ...string) Item {
	id := source + "/" + filepath.ToSlash(name)
	return Item{ID: id, Source: source, Split: HashSplit(id), Convention: convention, Image: img, Masks: masks}
}

// listFiles returns the image files under dir (recursively) as sorted
// slash-separated paths relative to dir.
func listFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isImage(p) || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	sort.Strings(out)
	return out, nil
}

// findDir returns the first directory named name under root (breadth
// first, at most depth levels down), or "".
func findDir(root, name string, depth int) string {
	level := []string{root}
	for d := 0; d <= depth && len(level) > 0; d++ {
		var next []string
		for _, dir := range level {
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue
			}
			for _, e := range entries {
				if !e.IsDir() {
					continue
				}
				p := filepath.Join(dir, e.Name())
				if e.Name() == name {
					return p
				}
				next = append(next, p)
			}
		}
		level = next
	}
	return ""
}

// firstDir returns root/<name> or root/*/<name> for the first name that
// exists, or "".
func firstDir(root string, names ...string) string {
	for _, n := range names {
		if p := findDir(root, n, 1); p != "" {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// errNoMask is returned by loaders for an item without mask files.
var errNoMask = errors.New("item has no mask file")
