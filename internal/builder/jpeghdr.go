package builder

// jpegComponents returns the number of colour components in a JPEG's
// frame header (1 for gray, 3 for YCbCr/RGB, 4 for CMYK), or 0 when no
// frame header is found. It only walks the marker segments before the
// first scan, so it reads a few hundred bytes and allocates nothing; the
// decoder proper reports real damage.
func jpegComponents(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return 0
		}
		m := data[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7): // no length
			i += 2
			continue
		case m == 0xDA || m == 0xD9: // scan or end before any frame
			return 0
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 {
			return 0
		}
		// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			if n < 8 || i+9 >= len(data) {
				return 0
			}
			return int(data[i+9])
		}
		i += 2 + n
	}
	return 0
}
