//! Condition operator names: `[ForAnyValue:|ForAllValues:]Base[IfExists]`, and what each base compares.

use std::cmp::Ordering;

use serde::Serialize;

/// A full operator name such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// As written in the policy (operator names are case-sensitive).
    pub name: String,
    pub qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

const BASE_OPERATORS: [(&str, BaseOperator); 27] = [
    ("StringEquals", BaseOperator::StringEquals),
    ("StringNotEquals", BaseOperator::StringNotEquals),
    (
        "StringEqualsIgnoreCase",
        BaseOperator::StringEqualsIgnoreCase,
    ),
    (
        "StringNotEqualsIgnoreCase",
        BaseOperator::StringNotEqualsIgnoreCase,
    ),
    ("StringLike", BaseOperator::StringLike),
    ("StringNotLike", BaseOperator::StringNotLike),
    ("NumericEquals", BaseOperator::NumericEquals),
    ("NumericNotEquals", BaseOperator::NumericNotEquals),
    ("NumericLessThan", BaseOperator::NumericLessThan),
    ("NumericLessThanEquals", BaseOperator::NumericLessThanEquals),
    ("NumericGreaterThan", BaseOperator::NumericGreaterThan),
    (
        "NumericGreaterThanEquals",
        BaseOperator::NumericGreaterThanEquals,
    ),
    ("DateEquals", BaseOperator::DateEquals),
    ("DateNotEquals", BaseOperator::DateNotEquals),
    ("DateLessThan", BaseOperator::DateLessThan),
    ("DateLessThanEquals", BaseOperator::DateLessThanEquals),
    ("DateGreaterThan", BaseOperator::DateGreaterThan),
    ("DateGreaterThanEquals", BaseOperator::DateGreaterThanEquals),
    ("Bool", BaseOperator::Bool),
    ("BinaryEquals", BaseOperator::BinaryEquals),
    ("IpAddress", BaseOperator::IpAddress),
    ("NotIpAddress", BaseOperator::NotIpAddress),
    ("ArnEquals", BaseOperator::ArnEquals),
    ("ArnLike", BaseOperator::ArnLike),
    ("ArnNotEquals", BaseOperator::ArnNotEquals),
    ("ArnNotLike", BaseOperator::ArnNotLike),
    ("Null", BaseOperator::Null),
];

/// How a positive operator compares one request value with one policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    Exact,
    IgnoreCase,
    Like,
    Arn,
    Numeric(Order),
    Date(Order),
    Bool,
    Binary,
    Ip,
    Null,
}

/// "request value `<op>` policy value".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Order {
    pub(crate) fn holds(self, request_vs_policy: Ordering) -> bool {
        match self {
            Self::Equal => request_vs_policy == Ordering::Equal,
            Self::Less => request_vs_policy == Ordering::Less,
            Self::LessOrEqual => request_vs_policy != Ordering::Greater,
            Self::Greater => request_vs_policy == Ordering::Greater,
            Self::GreaterOrEqual => request_vs_policy != Ordering::Less,
        }
    }
}

impl BaseOperator {
    pub fn name(self) -> &'static str {
        BASE_OPERATORS
            .iter()
            .find(|(_, base)| *base == self)
            .map_or("", |(name, _)| name)
    }

    fn from_name(name: &str) -> Option<Self> {
        BASE_OPERATORS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, base)| *base)
    }

    /// Operators that hold when the key matches none of the values (and when the key is absent).
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            Self::StringNotEquals
                | Self::StringNotEqualsIgnoreCase
                | Self::StringNotLike
                | Self::NumericNotEquals
                | Self::DateNotEquals
                | Self::NotIpAddress
                | Self::ArnNotEquals
                | Self::ArnNotLike
        )
    }

    /// Where IAM substitutes `${...}`: the string and ARN operators, and `Bool` (the operators doc says policy
    /// variables work with the Boolean operator).
    pub fn takes_variables(self) -> bool {
        matches!(
            self.test(),
            Test::Exact | Test::IgnoreCase | Test::Like | Test::Arn | Test::Bool
        )
    }

    pub fn is_date(self) -> bool {
        matches!(self.test(), Test::Date(_))
    }

    pub(crate) fn test(self) -> Test {
        match self {
            Self::StringEquals | Self::StringNotEquals => Test::Exact,
            Self::StringEqualsIgnoreCase | Self::StringNotEqualsIgnoreCase => Test::IgnoreCase,
            Self::StringLike | Self::StringNotLike => Test::Like,
            Self::NumericEquals | Self::NumericNotEquals => Test::Numeric(Order::Equal),
            Self::NumericLessThan => Test::Numeric(Order::Less),
            Self::NumericLessThanEquals => Test::Numeric(Order::LessOrEqual),
            Self::NumericGreaterThan => Test::Numeric(Order::Greater),
            Self::NumericGreaterThanEquals => Test::Numeric(Order::GreaterOrEqual),
            Self::DateEquals | Self::DateNotEquals => Test::Date(Order::Equal),
            Self::DateLessThan => Test::Date(Order::Less),
            Self::DateLessThanEquals => Test::Date(Order::LessOrEqual),
            Self::DateGreaterThan => Test::Date(Order::Greater),
            Self::DateGreaterThanEquals => Test::Date(Order::GreaterOrEqual),
            Self::Bool => Test::Bool,
            Self::BinaryEquals => Test::Binary,
            Self::IpAddress | Self::NotIpAddress => Test::Ip,
            // ArnEquals and ArnLike "behave identically": both take wildcards per component.
            Self::ArnEquals | Self::ArnLike | Self::ArnNotEquals | Self::ArnNotLike => Test::Arn,
            Self::Null => Test::Null,
        }
    }
}

impl Operator {
    /// Reads `[ForAnyValue:|ForAllValues:]Base[IfExists]`. The error is a grammar reason.
    ///
    /// `NullIfExists` is refused (IAM documents `IfExists` for every operator "except the Null condition";
    /// Access Analyzer reports "Null with if exists" as an error). A set qualifier on `Null` is refused too,
    /// since it has no meaning there. [?]
    pub(crate) fn parse(name: &str) -> Result<Self, String> {
        let (qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(base_name) => (true, base_name),
            None => (false, rest),
        };
        let base = BaseOperator::from_name(base_name)
            .ok_or_else(|| format!("unknown condition operator {name:?}"))?;
        if base == BaseOperator::Null && if_exists {
            return Err("the Null operator cannot take IfExists".to_owned());
        }
        if base == BaseOperator::Null && qualifier.is_some() {
            return Err("the Null operator cannot take ForAnyValue:/ForAllValues:".to_owned());
        }
        Ok(Self {
            name: name.to_owned(),
            qualifier,
            base,
            if_exists,
        })
    }
}
