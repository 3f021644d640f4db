//! Tabulates the Beta-PERT quantiles (`src/simulate/beta.rs`, compiled here as it is in the
//! crate) into `OUT_DIR/pert_quantiles.bin`, little-endian `f32` rows, so that native runs
//! read them instead of computing them at start-up. WebAssembly builds compute them at run
//! time and get an empty file.

#[path = "src/simulate/beta.rs"]
#[allow(dead_code)]
mod beta;

fn main() {
    println!("cargo:rerun-if-changed=src/simulate/beta.rs");
    println!("cargo:rerun-if-changed=build.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut bytes = Vec::new();
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32") {
        let mut q = vec![0.0f32; beta::PERT_CELLS + 1];
        for i in 0..beta::PERT_SHAPES {
            beta::pert_quantiles(i, &mut q);
            bytes.extend(q.iter().flat_map(|x| x.to_le_bytes()));
        }
    }
    std::fs::write(out.join("pert_quantiles.bin"), bytes).expect("write the PERT table");
}
