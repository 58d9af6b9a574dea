package nn

import "fmt"

// Gemm multiplies row-major float32 matrices:
//
//	C = alpha*op(A)*op(B) + beta*C
//
// where op(A) is m x k (A is k x m when transA), op(B) is k x n (B is n x k
// when transB) and C is m x n; lda, ldb and ldc are the row strides. When
// beta is 0, C is overwritten without being read.
//
// An implementation runs on the calling goroutine only and is safe for
// concurrent use: the Engine calls it from several workers at once.
type Gemm interface {
	Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	// Name describes the implementation, for logs and manifests.
	Name() string
}

// gemmKinds lists the values NewGemm accepts.
var gemmKinds = []string{"auto", "openblas", "go"}

// NewGemm returns the sgemm implementation named by kind: "openblas"
// (OpenBLAS loaded at run time; an error when cgo is off or the library is
// absent), "go" (pure Go), or "auto" (OpenBLAS when it loads, pure Go
// otherwise; the returned Name says which and why).
func NewGemm(kind string) (Gemm, error) {
	switch kind {
	case "go":
		return NewGoGemm(), nil
	case "openblas":
		return loadOpenBLAS()
	case "auto", "":
		g, err := loadOpenBLAS()
		if err != nil {
			g := NewGoGemm().(*goGemm)
			g.why = fmt.Sprintf(" (OpenBLAS not used: %v)", err)
			return g, nil
		}
		return g, nil
	}
	return nil, fmt.Errorf("gemm: unknown kind %q (want one of %v)", kind, gemmKinds)
}
