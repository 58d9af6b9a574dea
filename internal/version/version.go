// Package version holds cxlseg's version string, recorded in every manifest
// and model file the tool writes.
package version

// Version is the release of cxlseg. Bump it when outputs can change.
const Version = "0.1.0"
