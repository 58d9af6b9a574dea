//go:build cgo

package nn

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

typedef void (*cxl_sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                             const float *, int, float, float *, int);
typedef void (*cxl_threads_fn)(int);
typedef char *(*cxl_str_fn)(void);

static cxl_sgemm_fn cxl_sgemm;
static cxl_str_fn cxl_corename;
static cxl_str_fn cxl_config;

// cxl_openblas_load sets OPENBLAS_CORETYPE=SkylakeX on AVX-512 CPUs (OpenBLAS
// 0.3.21 takes AMD EPYC for Haswell) and OPENBLAS_NUM_THREADS=1 (the Go
// engine runs its own workers), each only when the user left it unset, then
// opens the library. It returns 0 on success, 1 when the library is absent,
// 2 when cblas_sgemm is missing. *coretype_set reports whether it set the
// core type.
static int cxl_openblas_load(int *coretype_set) {
	*coretype_set = 0;
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && getenv("OPENBLAS_CORETYPE") == NULL) {
		setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
		*coretype_set = 1;
	}
	if (getenv("OPENBLAS_NUM_THREADS") == NULL) setenv("OPENBLAS_NUM_THREADS", "1", 0);
	void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) h = dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) return 1;
	cxl_sgemm = (cxl_sgemm_fn)dlsym(h, "cblas_sgemm");
	if (cxl_sgemm == NULL) return 2;
	cxl_threads_fn st = (cxl_threads_fn)dlsym(h, "openblas_set_num_threads");
	if (st != NULL) st(1);
	cxl_corename = (cxl_str_fn)dlsym(h, "openblas_get_corename");
	cxl_config = (cxl_str_fn)dlsym(h, "openblas_get_config");
	return 0;
}

static const char *cxl_openblas_corename(void) { return cxl_corename ? cxl_corename() : "?"; }
static const char *cxl_openblas_config(void) { return cxl_config ? cxl_config() : "?"; }

static void cxl_openblas_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                               const float *b, int ldb, float beta, float *c, int ldc) {
	// 101 = CblasRowMajor, 111 = CblasNoTrans, 112 = CblasTrans.
	cxl_sgemm(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// openBLAS calls cblas_sgemm of a run-time loaded OpenBLAS.
type openBLAS struct{ name string }

// blasOnce guards the one process-wide dlopen: the library handle is
// inherently process state, loaded once and never closed.
var blasOnce = sync.OnceValues(func() (*openBLAS, error) {
	var set C.int
	userCore := os.Getenv("OPENBLAS_CORETYPE")
	switch C.cxl_openblas_load(&set) {
	case 1:
		return nil, errors.New("libopenblas.so.0 not found (install libopenblas0 or libopenblas-dev)")
	case 2:
		return nil, errors.New("libopenblas.so.0 has no cblas_sgemm")
	}
	how := "auto-detected"
	switch {
	case set != 0:
		how = "OPENBLAS_CORETYPE=SkylakeX set for avx512f"
	case userCore != "":
		// The user's choice wins; say so, since a Haswell setting on an
		// AVX-512 CPU costs about a third of the training speed.
		how = "OPENBLAS_CORETYPE=" + userCore + " from the environment"
	}
	return &openBLAS{name: fmt.Sprintf("openblas (core %s, %s; %s)",
		C.GoString(C.cxl_openblas_corename()), how, C.GoString(C.cxl_openblas_config()))}, nil
})

func loadOpenBLAS() (Gemm, error) {
	g, err := blasOnce()
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Name implements Gemm.
func (o *openBLAS) Name() string { return o.name }

// Sgemm implements Gemm.
func (o *openBLAS) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	C.cxl_openblas_sgemm(cbool(transA), cbool(transB), C.int(m), C.int(n), C.int(k), C.float(alpha),
		(*C.float)(&a[0]), C.int(lda), (*C.float)(&b[0]), C.int(ldb), C.float(beta), (*C.float)(&c[0]), C.int(ldc))
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
