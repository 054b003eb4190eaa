use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// An ordered multi-map of parameters: each name with all its values, names in order of
/// first appearance, values in order of appearance.
///
/// Serializes as a JSON-style object of lists: `{"a": ["1", "2"], "b": [""]}`.
///
/// # Examples
///
/// ```
/// use shallot_params::ParamMap;
///
/// let map = ParamMap::parse(b"a=1&b&a=2+3", true);
/// assert_eq!(map.get("a"), Some("1"));
/// assert_eq!(map.get_all("a"), ["1", "2 3"]);
/// assert_eq!(map.get_all("b"), [""]);
/// assert!(map.get("c").is_none());
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ParamMap {
    entries: Vec<(String, Vec<String>)>,
}

impl ParamMap {
    /// An empty map.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// Parses `application/x-www-form-urlencoded` bytes (a query string or a form body) as
    /// the WHATWG URL standard does: `&` separates pairs, empty pairs are skipped, `+` is a
    /// space, percent-escapes are decoded and invalid UTF-8 is replaced (U+FFFD). A bare `a`
    /// and `a=` both give `[""]`; with `keep_blank` false such values are dropped.
    pub fn parse(input: &[u8], keep_blank: bool) -> Self {
        let mut map = Self::new();
        for (name, value) in form_urlencoded::parse(input) {
            if !keep_blank && value.is_empty() {
                continue;
            }
            map.push(name.into_owned(), value.into_owned());
        }
        map
    }

    /// Adds a value after the existing ones of that name.
    pub fn push(&mut self, name: String, value: String) {
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => self.entries.push((name, vec![value])),
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_all(name).first().map(String::as_str)
    }

    /// Every value of `name`, in order; empty when absent.
    pub fn get_all(&self, name: &str) -> &[String] {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map_or(&[], |(_, values)| values.as_slice())
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    /// The names and their values, names in order of first appearance.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// The number of distinct names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no parameter.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// This map's values followed, name by name, by `other`'s (names new to this map come
    /// after its own).
    #[must_use]
    pub fn merged_with(&self, other: &Self) -> Self {
        let mut merged = self.clone();
        for (name, values) in &other.entries {
            for value in values {
                merged.push(name.clone(), value.clone());
            }
        }
        merged
    }
}

impl fmt::Debug for ParamMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for ParamMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (name, values) in &self.entries {
            map.serialize_entry(name, values)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(map: &ParamMap) -> Vec<(String, Vec<String>)> {
        map.iter()
            .map(|(n, v)| (n.to_owned(), v.to_vec()))
            .collect()
    }

    #[test]
    fn parsing_follows_the_whatwg_form_rules() {
        type Expected = &'static [(&'static str, &'static [&'static str])];
        let table: &[(&str, Expected)] = &[
            ("", &[]),
            ("a=1", &[("a", &["1"])]),
            ("a=1&a=2&b=3", &[("a", &["1", "2"]), ("b", &["3"])]),
            ("b=1&a=2&b=3", &[("b", &["1", "3"]), ("a", &["2"])]),
            ("a=&b", &[("a", &[""]), ("b", &[""])]),
            ("&&a=1&&", &[("a", &["1"])]),
            ("a+b=c+d", &[("a b", &["c d"])]),
            ("a%20b=%2B%26%3D", &[("a b", &["+&="])]),
            ("e=%C3%A9", &[("e", &["é"])]),
            ("bad=%zz%", &[("bad", &["%zz%"])]),
            ("lossy=%FF", &[("lossy", &["\u{FFFD}"])]),
            ("=v", &[("", &["v"])]),
            ("a==b", &[("a", &["=b"])]),
        ];
        for (input, expected) in table {
            let got = pairs(&ParamMap::parse(input.as_bytes(), true));
            let expected: Vec<(String, Vec<String>)> = expected
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
                .collect();
            assert_eq!(got, expected, "{input:?}");
        }
    }

    #[test]
    fn blank_values_can_be_dropped() {
        let map = ParamMap::parse(b"a=&b&c=1", false);
        assert_eq!(pairs(&map), [("c".to_owned(), vec!["1".to_owned()])]);
    }

    #[test]
    fn merging_puts_the_first_maps_values_first() {
        let query = ParamMap::parse(b"a=q1&b=q2", true);
        let form = ParamMap::parse(b"c=f0&a=f1", true);
        let merged = query.merged_with(&form);
        assert_eq!(merged.get_all("a"), ["q1", "f1"]);
        let names: Vec<_> = merged.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }
}
