//go:build !amd64 || purego

package cpufeat

// HasAVX2 is false: no assembly is used on this build.
func HasAVX2() bool { return false }

// HasAVX2FMA is false: no assembly is used on this build.
func HasAVX2FMA() bool { return false }

// HasAVX512 is false: no assembly is used on this build.
func HasAVX512() bool { return false }
