//! Ukrainian banks by МФО (the 6-digit bank code inside a UA IBAN).
//!
//! A snapshot of the head offices of the most common banks, from the NBU bank register
//! (`bank.gov.ua/NBU_BankInfo`). Refresh it from there; unknown codes simply have no name.

/// `(МФО, short bank name)`, sorted by МФО for binary search.
pub const KNOWN_BANKS: &[(&str, &str)] = &[
    ("300001", "Національний банк України"),
    ("300335", "АТ «Райффайзен Банк»"),
    ("300346", "АТ «Сенс Банк»"),
    ("300465", "АТ «Ощадбанк»"),
    ("300528", "АТ «ОТП Банк»"),
    ("305299", "АТ КБ «ПриватБанк»"),
    ("307770", "АТ «А-Банк»"),
    ("322001", "АТ «Універсал Банк» (monobank)"),
    ("322313", "АТ «Укрексімбанк»"),
    ("325365", "АТ «Кредобанк»"),
    ("334851", "АТ «ПУМБ»"),
    ("339500", "АТ «Таскомбанк»"),
    ("351005", "АТ «УкрСиббанк»"),
    ("380582", "АТ «МІБ»"),
];

/// The bank's name for a known МФО.
///
/// ```
/// assert_eq!(billing_core::bank_name_by_mfo("305299"), Some("АТ КБ «ПриватБанк»"));
/// assert_eq!(billing_core::bank_name_by_mfo("999999"), None);
/// ```
pub fn bank_name_by_mfo(mfo: &str) -> Option<&'static str> {
    KNOWN_BANKS
        .binary_search_by(|(code, _)| (*code).cmp(mfo))
        .ok()
        .map(|i| KNOWN_BANKS[i].1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_is_sorted_and_unique() {
        assert!(super::KNOWN_BANKS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(super::KNOWN_BANKS
            .iter()
            .all(|(c, _)| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
    }
}
