package model

import "fmt"

func errSize(size int) error {
	return fmt.Errorf("model: image side %d must be a positive multiple of 8 (three 2x2 poolings)", size)
}
