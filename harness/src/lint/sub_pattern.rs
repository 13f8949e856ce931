//! What a `StringLike` pattern on GitLab's `sub` claim admits.
//!
//! GitLab's default subject is `project_path:{group}/{project}:ref_type:{branch|tag}:ref:{ref}`
//! (GitLab docs "OpenID Connect (OIDC) Authentication Using ID Tokens"). Neither a project path
//! nor a Git ref name can contain `:`, so the pattern is split at its literal `:ref_type:` and
//! `:ref:` markers into the three parts it constrains; a part the pattern never reaches because a
//! `*` before it spans the colons is unconstrained. IAM's `*` matches any run of characters,
//! `/` and `:` included, and `?` matches one (IAM User Guide, "IAM JSON policy elements:
//! Condition operators").

/// What one pattern lets through, part by part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SubAdmits {
    /// A project in a namespace the policy does not name (`project_path:*`, `*`).
    pub(crate) any_project: bool,
    /// The literal prefix before a wildcard that does not end at a `/`: `mygroup` in
    /// `project_path:mygroup*`, which also matches `mygroup-evil/x`.
    pub(crate) sibling_prefix: Option<String>,
    /// Both branches and tags, while the ref itself is fixed (`ref_type:*:ref:main` admits a tag
    /// named `main`).
    pub(crate) any_ref_type: bool,
    /// The ref pattern when it has a wildcard (`*`, `release*`).
    pub(crate) ref_wildcard: Option<String>,
}

/// `None` when the pattern is not GitLab's default `sub` format (a customised subject such as
/// `project_id:…`), which the rules do not judge.
pub(crate) fn analyse(pattern: &str) -> Option<SubAdmits> {
    let Some(rest) = pattern.strip_prefix("project_path:") else {
        // A pattern that starts with a wildcard matches every subject, of every project.
        return starts_open(pattern).then_some(SubAdmits {
            any_project: true,
            sibling_prefix: None,
            any_ref_type: false,
            ref_wildcard: None,
        });
    };
    let (head, reference) = match rest.rfind(":ref:") {
        Some(at) => (&rest[..at], Some(&rest[at + ":ref:".len()..])),
        None => (rest, None),
    };
    let (path, ref_type) = match head.find(":ref_type:") {
        Some(at) => (&head[..at], Some(&head[at + ":ref_type:".len()..])),
        None => (head, None),
    };
    let path_spans = ends_open(path);
    let ref_type_open = match ref_type {
        Some(ref_type) => has_wildcard(ref_type),
        None => path_spans,
    };
    let ref_pattern = match reference {
        Some(reference) => has_wildcard(reference).then(|| reference.to_owned()),
        None if ref_type.is_some_and(ends_open) || (ref_type.is_none() && path_spans) => {
            Some("*".to_owned())
        }
        None => None,
    };
    let wildcard_at = path.find(['*', '?']);
    let (any_project, sibling_prefix) = match wildcard_at {
        None => (false, None),
        Some(at) => {
            let literal = &path[..at];
            if literal.is_empty() {
                (true, None)
            } else if literal.ends_with('/') {
                (false, None)
            } else {
                (false, Some(literal.to_owned()))
            }
        }
    };
    Some(SubAdmits {
        any_project,
        sibling_prefix,
        any_ref_type: ref_type_open && ref_pattern.is_none(),
        ref_wildcard: ref_pattern,
    })
}

pub(crate) fn has_wildcard(value: &str) -> bool {
    value.contains(['*', '?'])
}

fn starts_open(value: &str) -> bool {
    value.starts_with(['*', '?'])
}

fn ends_open(value: &str) -> bool {
    value.ends_with('*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admits(pattern: &str) -> SubAdmits {
        analyse(pattern).unwrap_or_else(|| panic!("{pattern} is GitLab's format"))
    }

    #[test]
    fn one_branch_of_one_project_admits_nothing_else() {
        let a = admits("project_path:mygroup/myproject:ref_type:branch:ref:main");
        assert!(!a.any_project && !a.any_ref_type);
        assert_eq!((a.sibling_prefix, a.ref_wildcard), (None, None));
    }

    #[test]
    fn any_branch_of_one_project_is_only_a_ref_wildcard() {
        let a = admits("project_path:mygroup/myproject:ref_type:branch:ref:*");
        assert!(!a.any_project && !a.any_ref_type && a.sibling_prefix.is_none());
        assert_eq!(a.ref_wildcard.as_deref(), Some("*"));
    }

    #[test]
    fn a_group_prefix_without_its_slash_reaches_sibling_groups() {
        let a = admits("project_path:mygroup*");
        assert_eq!(a.sibling_prefix.as_deref(), Some("mygroup"));
        assert_eq!(a.ref_wildcard.as_deref(), Some("*"));
    }

    #[test]
    fn a_group_wildcard_after_the_slash_stays_in_the_group() {
        let a = admits("project_path:mygroup/*:ref_type:branch:ref:main");
        assert!(!a.any_project && a.sibling_prefix.is_none() && !a.any_ref_type);
        assert_eq!(a.ref_wildcard, None);
    }

    #[test]
    fn a_wildcard_ref_type_with_a_fixed_ref_admits_a_tag_of_that_name() {
        assert!(admits("project_path:mygroup/myproject:ref_type:*:ref:main").any_ref_type);
        assert!(admits("project_path:mygroup/*:ref:main").any_ref_type);
    }

    #[test]
    fn a_leading_wildcard_admits_any_project() {
        assert!(admits("project_path:*:ref_type:branch:ref:main").any_project);
        assert!(admits("*").any_project);
    }

    #[test]
    fn a_customised_subject_is_not_judged() {
        assert_eq!(analyse("project_id:42:ref_type:branch:ref:main"), None);
    }
}
