// Shared by the fuzz targets: the data files, loaded once (./schemas when run from the
// repository, else the copies built into the library).
pub fn resources() -> &'static ictstat::config::Resources {
    static R: std::sync::OnceLock<ictstat::config::Resources> = std::sync::OnceLock::new();
    R.get_or_init(|| ictstat::config::Resources::load(None, None).expect("data files load"))
}

pub fn raw(bytes: &[u8], format: ictstat::records::Format, line: bool) -> ictstat::records::RawInput {
    use ictstat::records::{Payload, RawInput};
    RawInput {
        doc: "fuzz".into(),
        source: "fuzz".into(),
        line: line.then_some(1),
        format,
        payload: if line { Payload::JsonLine(bytes.to_vec()) } else { Payload::Bytes(bytes.to_vec()) },
    }
}
