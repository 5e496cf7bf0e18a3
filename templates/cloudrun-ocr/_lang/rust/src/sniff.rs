/// Names the type of an upload from its first bytes. The Content-Type header is never trusted:
/// clients mislabel, and the model must be told the real type.
pub fn sniff_image(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return Some("image/tiff");
    }
    if b.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        // ISO-BMFF: the major brand tells HEIC (HEVC-coded) from plain HEIF.
        return match &b[8..12] {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => Some("image/heic"),
            b"mif1" | b"msf1" | b"heif" => Some("image/heif"),
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::sniff_image;

    #[test]
    fn sniffs_by_magic_number() {
        let cases: [(&[u8], Option<&str>); 9] = [
            (b"II*\0\x08\0\0\0", Some("image/tiff")),
            (b"MM\0*\0\0\0\x08", Some("image/tiff")),
            (b"\x89PNG\r\n\x1a\nrest", Some("image/png")),
            (b"\xff\xd8\xff\xe0rest", Some("image/jpeg")),
            (b"RIFF\0\0\0\0WEBPVP8", Some("image/webp")),
            (b"\0\0\0\x18ftypheic", Some("image/heic")),
            (b"\0\0\0\x18ftypmif1", Some("image/heif")),
            (b"%PDF-1.7", Some("application/pdf")),
            (b"GIF89a", None),
        ];
        for (input, want) in cases {
            assert_eq!(sniff_image(input), want, "{input:?}");
        }
    }
}
