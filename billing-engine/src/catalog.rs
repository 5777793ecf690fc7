//! The platform's standard tariff catalog, for the demo, examples and a quick start. A deployment
//! reads its own catalog from configuration (`EngineConfig` is JSON).

use billing_core::tariff::{BillingPeriod, Limits, Tariff, TariffCatalog, TariffError};
use billing_core::Money;

fn uah(s: &str) -> Money {
    s.parse().unwrap_or(Money::ZERO)
}

/// Start, Business and Pro, each with monthly, quarterly, half-yearly and yearly prices.
pub fn standard_catalog() -> Result<TariffCatalog, TariffError> {
    let start = Tariff::new(
        "start",
        "Старт",
        Limits {
            max_products: Some(500),
            max_orders_per_month: Some(300),
        },
    )?
    .with_price(BillingPeriod::Monthly, uah("600"))
    .with_price(BillingPeriod::Quarterly, uah("1700"))
    .with_price(BillingPeriod::HalfYearly, uah("3300"))
    .with_price(BillingPeriod::Yearly, uah("6000"));
    let business = Tariff::new(
        "business",
        "Бізнес",
        Limits {
            max_products: Some(5000),
            max_orders_per_month: Some(3000),
        },
    )?
    .with_price(BillingPeriod::Monthly, uah("1200"))
    .with_price(BillingPeriod::Quarterly, uah("3400"))
    .with_price(BillingPeriod::HalfYearly, uah("6600"))
    .with_price(BillingPeriod::Yearly, uah("12000"))
    .with_feature("api")?
    .with_feature("multi_warehouse")?;
    let pro = Tariff::new("pro", "Профі", Limits::default())?
        .with_price(BillingPeriod::Monthly, uah("2400"))
        .with_price(BillingPeriod::Quarterly, uah("6900"))
        .with_price(BillingPeriod::HalfYearly, uah("13200"))
        .with_price(BillingPeriod::Yearly, uah("24000"))
        .with_feature("api")?
        .with_feature("multi_warehouse")?
        .with_feature("marketplaces")?
        .with_feature("personal_manager")?;
    TariffCatalog::new(vec![start, business, pro])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_catalog_reads_back_from_json() {
        let c = standard_catalog().unwrap();
        assert_eq!(c.tariffs().len(), 3);
        let json = serde_json::to_string(&c).unwrap();
        let back: TariffCatalog = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let twice = format!("[{0},{0}]", serde_json::to_string(&c.tariffs()[0]).unwrap());
        assert!(
            serde_json::from_str::<TariffCatalog>(&twice).is_err(),
            "a repeated code is refused"
        );
    }
}
