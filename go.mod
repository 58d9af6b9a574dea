module cxlseg

go 1.26
