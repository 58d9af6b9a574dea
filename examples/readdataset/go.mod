module example.com/readdataset

go 1.26.0

require github.com/cxlseg/cxlseg v0.0.0

// The cxlseg source tree this example lives in; an outside program drops
// this line and requires a published version instead.
replace github.com/cxlseg/cxlseg => ../..
