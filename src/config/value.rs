//! Checked option values that still remember how they change what they
//! override: lists and strings keep their value / append / prepend / remove
//! parts until every override and inheritance step has been applied.

use std::path::PathBuf;

use indexmap::IndexMap;

use super::raw::Action;

pub type Map = IndexMap<String, Val>;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A section; for `cmake` the keys are `*` (unnumbered options) and the
    /// config numbers.
    Section(Map),
    /// A section removed with `=!`.
    Cleared,
    /// Bool, int, enum and path options replace what they override; `None`
    /// is a cleared value (the default applies).
    Scalar(Option<Scalar>),
    Str(StrEdit),
    List(Edit<String>),
    Env(IndexMap<String, StrEdit>),
    Cmake(IndexMap<String, CmakeEdit>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Text(String),
    Path(PathBuf),
}

/// A list and how it combines with the list it overrides.
/// The final list is `prepend + value + append`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit<T> {
    pub clear: bool,
    pub value: Option<Vec<T>>,
    pub append: Option<Vec<T>>,
    pub prepend: Option<Vec<T>>,
    pub remove: Option<Vec<T>>,
}

impl<T> Default for Edit<T> {
    fn default() -> Self {
        Edit {
            clear: false,
            value: None,
            append: None,
            prepend: None,
            remove: None,
        }
    }
}

impl<T: Clone + PartialEq> Edit<T> {
    /// The edit an override with `action` makes. The caller has rejected the
    /// path operators.
    pub fn from_action(action: Action, items: Vec<T>, append_by_default: bool) -> Edit<T> {
        let mut edit = Edit::default();
        match action {
            Action::Clear => edit.clear = true,
            Action::Default if append_by_default => edit.append = Some(items),
            Action::Default | Action::Assign => edit.value = Some(items),
            Action::Append | Action::AppendPath => edit.append = Some(items),
            Action::Prepend | Action::PrependPath => edit.prepend = Some(items),
            Action::Remove => edit.remove = Some(items),
        }
        edit
    }

    /// `self` overridden by `new`.
    pub fn then(&self, new: &Edit<T>) -> Edit<T> {
        if new.clear {
            return new.clone();
        }
        let mut out = self.clone();
        if new.value.is_some() {
            out.value = new.value.clone();
            out.append = new.append.clone();
            out.prepend = new.prepend.clone();
            out.remove = Some(Vec::new());
            return out;
        }
        // Removal reaches into everything the old value holds.
        if let Some(remove) = &new.remove {
            out.remove
                .get_or_insert_with(Vec::new)
                .extend(remove.iter().cloned());
            for items in [&mut out.value, &mut out.prepend, &mut out.append]
                .into_iter()
                .flatten()
            {
                items.retain(|e| !remove.contains(e));
            }
        }
        if let Some(append) = &new.append {
            out.append
                .get_or_insert_with(Vec::new)
                .extend(append.iter().cloned());
        }
        if let Some(prepend) = &new.prepend {
            let mut joined = prepend.clone();
            joined.extend(out.prepend.take().unwrap_or_default());
            out.prepend = Some(joined);
        }
        out
    }

    /// The final list; `None` when cleared and nothing was added since.
    pub fn finish(&self) -> Option<Vec<T>> {
        if self.clear && self.value.is_none() && self.append.is_none() && self.prepend.is_none() {
            return None;
        }
        let mut out = self.prepend.clone().unwrap_or_default();
        out.extend(self.value.iter().flatten().cloned());
        out.extend(self.append.iter().flatten().cloned());
        Some(out)
    }
}

/// A string and how it combines with the string it overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrEdit {
    pub clear: bool,
    pub value: Option<String>,
    pub append: Option<String>,
    pub append_path: Option<String>,
    pub prepend: Option<String>,
    pub prepend_path: Option<String>,
    pub remove: Option<Vec<String>>,
}

/// Joins with the build machine's path separator, skipping empty sides.
pub fn join_path(a: &str, b: &str) -> String {
    let sep = if cfg!(windows) { ";" } else { ":" };
    if a.is_empty() || b.is_empty() {
        format!("{a}{b}")
    } else {
        format!("{a}{sep}{b}")
    }
}

impl StrEdit {
    pub fn from_action(action: Action, text: String) -> StrEdit {
        let mut edit = StrEdit::default();
        match action {
            Action::Clear => edit.clear = true,
            Action::Default | Action::Assign => edit.value = Some(text),
            Action::Append => edit.append = Some(text),
            Action::AppendPath => edit.append_path = Some(text),
            Action::Prepend => edit.prepend = Some(text),
            Action::PrependPath => edit.prepend_path = Some(text),
            Action::Remove => edit.remove = Some(vec![text]),
        }
        edit
    }

    pub fn then(&self, new: &StrEdit) -> StrEdit {
        if new.clear {
            return new.clone();
        }
        if new.value.is_some() {
            return StrEdit {
                remove: Some(Vec::new()),
                ..new.clone()
            };
        }
        let mut out = self.clone();
        if let Some(remove) = &new.remove {
            out.remove
                .get_or_insert_with(Vec::new)
                .extend(remove.iter().cloned());
            for text in out.parts_mut().into_iter().flatten() {
                for r in remove.iter().filter(|r| !r.is_empty()) {
                    *text = text.replace(r.as_str(), "");
                }
            }
        }
        if let Some(append) = &new.append {
            out.append = Some(out.append.unwrap_or_default() + append);
        }
        if let Some(append) = &new.append_path {
            out.append_path = Some(join_path(&out.append_path.unwrap_or_default(), append));
        }
        if let Some(prepend) = &new.prepend {
            out.prepend = Some(prepend.clone() + &out.prepend.unwrap_or_default());
        }
        if let Some(prepend) = &new.prepend_path {
            out.prepend_path = Some(join_path(prepend, &out.prepend_path.unwrap_or_default()));
        }
        out
    }

    pub fn parts_mut(&mut self) -> [&mut Option<String>; 5] {
        [
            &mut self.value,
            &mut self.append,
            &mut self.append_path,
            &mut self.prepend,
            &mut self.prepend_path,
        ]
    }

    /// The final string; `None` when cleared and nothing was added since.
    pub fn finish(&self) -> Option<String> {
        let set = [
            &self.value,
            &self.append,
            &self.append_path,
            &self.prepend,
            &self.prepend_path,
        ]
        .iter()
        .any(|p| p.is_some());
        if self.clear && !set {
            return None;
        }
        let mut out = self.value.clone().unwrap_or_default();
        out += self.append.as_deref().unwrap_or("");
        if let Some(a) = &self.append_path {
            out = join_path(&out, a);
        }
        out = self.prepend.clone().unwrap_or_default() + &out;
        if let Some(p) = &self.prepend_path {
            out = join_path(p, &out);
        }
        Some(out)
    }
}

/// One element of a CMake option's list.
#[derive(Debug, Clone, PartialEq)]
pub enum CmakeItem {
    Str(String),
    Bool(bool),
}

/// One `cmake.options` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CmakeEdit {
    pub edit: Edit<CmakeItem>,
    /// STRING, BOOL, PATH or FILEPATH.
    pub kind: Option<String>,
    /// Whether a conflicting type is an error (else the new type wins).
    pub strict: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_reference_windows_example() {
        let base = Edit::from_action(Action::Default, v(&["Debug", "Release"]), false);
        let child = Edit {
            prepend: Some(v(&["RelWithDebInfo"])),
            remove: Some(v(&["Debug"])),
            append: Some(v(&["Debug"])),
            ..Edit::default()
        };
        assert_eq!(
            base.then(&child).finish(),
            Some(v(&["RelWithDebInfo", "Release", "Debug"]))
        );
    }

    #[test]
    fn clear_then_append() {
        let base = Edit::from_action(Action::Default, v(&["a"]), true);
        let cleared = base.then(&Edit::from_action(Action::Clear, vec![], false));
        assert_eq!(cleared.finish(), None);
        let added = cleared.then(&Edit::from_action(Action::Append, v(&["b"]), false));
        assert_eq!(added.finish(), Some(v(&["b"])));
    }

    #[test]
    fn strings_join_paths_and_remove_substrings() {
        let base = StrEdit::from_action(Action::Default, "/a".into());
        let out = base
            .then(&StrEdit::from_action(Action::AppendPath, "/b".into()))
            .then(&StrEdit::from_action(Action::PrependPath, "/c".into()))
            .then(&StrEdit::from_action(Action::Remove, "/a".into()));
        let sep = if cfg!(windows) { ";" } else { ":" };
        assert_eq!(out.finish(), Some(format!("/c{sep}/b")));
    }
}
