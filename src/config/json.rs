//! The `config --json` shape of a resolved `Config`: its `Serialize`
//! derive, with the places where the JSON differs from the model.
//!
//! `cmake` is `null` without a cmake section, an object for one
//! configuration, and an array of objects for numbered ones (`cmake.0`,
//! `cmake.1`, ...). `cmake.options` maps `NAME` or `NAME:TYPE` to the final
//! CMake string. `cross` and `component` are `null` when not given. The
//! third special case, `cross.cmake_options` as an object, is beside
//! `python_target::CrossSpec`: that layer is below this one.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::model::{CmakeOption, CmakeOptions};

/// `null`, one object, or an array for numbered configurations.
pub fn cmake_sections<S: Serializer>(sections: &[CmakeOptions], s: S) -> Result<S::Ok, S::Error> {
    match sections {
        [] => s.serialize_none(),
        [one] => one.serialize(s),
        many => many.serialize(s),
    }
}

/// `NAME[:TYPE]` to the final CMake string.
pub fn cmake_options<S: Serializer>(options: &[CmakeOption], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(options.len()))?;
    for option in options {
        match &option.kind {
            Some(kind) => map.serialize_entry(&format!("{}:{kind}", option.name), &option.value)?,
            None => map.serialize_entry(&option.name, &option.value)?,
        }
    }
    map.end()
}
