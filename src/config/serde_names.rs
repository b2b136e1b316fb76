//! The names serde's derives give a type's fields and enum variants, read
//! back from the derive: the schema's enum values are the model enums'
//! serde names, and a test compares the schema's sections with the model's
//! fields, so neither list is written twice.

use serde::de::{DeserializeOwned, Error as _, Visitor};
use serde::Serialize;

/// Hands the names a derived `Deserialize` asks for back to the caller.
struct NameLister<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for NameLister<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(Self::Error::custom("only structs and enums list names"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(Self::Error::custom("fields listed"))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = variants;
        Err(Self::Error::custom("variants listed"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        identifier ignored_any
    }
}

fn names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(NameLister(&mut names));
    names
}

/// The serde names of an enum's variants, in declaration order.
pub fn variants<T: DeserializeOwned>() -> &'static [&'static str] {
    names::<T>()
}

/// The serde name of a unit variant (`EditableMode::Hook` -> `hook`).
pub fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The fields a struct reads when it is deserialized.
#[cfg(test)]
pub fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    names::<T>()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[test]
    fn skipped_fields_are_absent_and_variants_renamed() {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Two {
            a: u32,
            #[serde(skip_deserializing)]
            index: u32,
            b: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "lowercase")]
        #[allow(dead_code)]
        enum Mode {
            Wrapper,
            Hook,
        }
        assert_eq!(fields::<Two>(), ["a", "b"]);
        assert_eq!(variants::<Mode>(), ["wrapper", "hook"]);
        assert_eq!(name_of(&crate::config::model::EditableMode::Hook), "hook");
    }
}
