package mimic

import (
	"fmt"
	"strings"
)

// maxIDDigits bounds numeric ids so they always fit in a uint64 and a
// hostile file cannot make a path component of unbounded length.
const maxIDDigits = 18

// maxDicomIDLen bounds dicom_id; MIMIC's are 44 characters.
const maxDicomIDLen = 128

// ParseID checks that s is a canonical decimal id (ASCII digits only, no
// sign, no leading zero, at most 18 digits) and returns its value. MIMIC's
// subject_id and study_id are such ids. Requiring the canonical spelling
// means one id has one path: "010000032" cannot alias "10000032".
func ParseID(s string) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty id")
	}
	if len(s) > maxIDDigits {
		return 0, fmt.Errorf("id %q has more than %d digits", s, maxIDDigits)
	}
	if s[0] == '0' {
		return 0, fmt.Errorf("id %q has a leading zero", s)
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("id %q is not numeric", s)
		}
		v = v*10 + uint64(c-'0')
	}
	return v, nil
}

// CheckDicomID reports whether s is safe to use as a file name: 1 to 128
// characters from [A-Za-z0-9._-], starting and ending with a letter or
// digit, with no "..". MIMIC's dicom_ids (hex groups joined by '-') pass; anything that
// could name a path outside its study folder does not.
func CheckDicomID(s string) error {
	if s == "" {
		return fmt.Errorf("empty dicom_id")
	}
	if len(s) > maxDicomIDLen {
		return fmt.Errorf("dicom_id longer than %d characters", maxDicomIDLen)
	}
	if !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		// A trailing '.' would also be dropped by some file systems.
		return fmt.Errorf("dicom_id %q does not start and end with a letter or digit", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return fmt.Errorf("dicom_id %q contains %q", s, c)
		}
	}
	if strings.Contains(s, "..") {
		return fmt.Errorf("dicom_id %q contains \"..\"", s)
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// topFolder returns MIMIC's first-level folder for a subject: the first
// three characters of "p"+subject ("p10" for 10000032).
func topFolder(subject string) string {
	p := "p" + subject
	if len(p) > 3 {
		p = p[:3]
	}
	return p
}

// StudyDir returns the slash-separated relative folder of a study,
// files/pXX/pSUBJECT/sSTUDY. The ids must have passed ParseID.
func StudyDir(subject, study string) string {
	return "files/" + topFolder(subject) + "/p" + subject + "/s" + study
}

// ImagePath returns the relative path of an image,
// files/pXX/pSUBJECT/sSTUDY/DICOM.jpg, after validating all three ids. The
// same path addresses the MIMIC original and CXLSeg's segmented image.
func ImagePath(subject, study, dicom string) (string, error) {
	if _, err := ParseID(subject); err != nil {
		return "", fmt.Errorf("subject_id: %w", err)
	}
	if _, err := ParseID(study); err != nil {
		return "", fmt.Errorf("study_id: %w", err)
	}
	if err := CheckDicomID(dicom); err != nil {
		return "", err
	}
	return StudyDir(subject, study) + "/" + dicom + ".jpg", nil
}

// MaskPath returns the relative path of CXLSeg's mask for an image,
// files/pXX/pSUBJECT/sSTUDY/DICOM-mask.jpg, after validating the ids.
func MaskPath(subject, study, dicom string) (string, error) {
	p, err := ImagePath(subject, study, dicom)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(p, ".jpg") + "-mask.jpg", nil
}

// ReportPath returns the relative path of a study's report in MIMIC-CXR,
// files/pXX/pSUBJECT/sSTUDY.txt, after validating the ids.
func ReportPath(subject, study string) (string, error) {
	if _, err := ParseID(subject); err != nil {
		return "", fmt.Errorf("subject_id: %w", err)
	}
	if _, err := ParseID(study); err != nil {
		return "", fmt.Errorf("study_id: %w", err)
	}
	return StudyDir(subject, study) + ".txt", nil
}
