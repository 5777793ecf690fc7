// The mobile billing screen (розділ «Оплата»), on the generated BillingCore API.
//
// The app fetches the billing section's JSON from the platform backend with the signed-in owner's
// session, decodes it with the core's own definition (`loadBillingSection` / `decodeBillingSection`)
// and shows it. Every decision (what is owed, overdue, blocked, how close a limit is) was made by the
// engine on the backend: this file only formats. Paying means opening the invoice's payment link
// (the acquirer's page) or showing the NBU QR code for a bank transfer; the app holds no acquirer or
// Vchasno secret and no database.
//
// bindings-swift/test.sh compiles this file where a Swift toolchain exists (the SwiftUI part only
// where SwiftUI does); on Linux CI without Swift, bindings-swift/tests/python/test_swift_example.py
// checks its calls against the generated API.

import BillingCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(SwiftUI)
    import SwiftUI
#endif
#if canImport(CoreImage)
    import CoreImage
#endif

// MARK: - Where the section comes from

/// The backend's billing-section endpoint, called with the owner's session token.
///
/// It implements the Rust trait `BillingSectionSource`: Rust awaits this `async` method, then decodes
/// the body. A `BillingError` thrown here reaches the caller unchanged; any other error would arrive
/// as `BillingError.Unexpected` with the code `ffi.callback_failed`.
final class BillingApiClient: BillingSectionSource, @unchecked Sendable {
    private let endpoint: URL
    private let sessionToken: String
    private let session: URLSession

    init(endpoint: URL, sessionToken: String, session: URLSession = .shared) {
        self.endpoint = endpoint
        self.sessionToken = sessionToken
        self.session = session
    }

    func fetchBillingSectionJson() async throws -> String {
        var request = URLRequest(url: endpoint)
        request.setValue("Bearer \(sessionToken)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let response: (body: Data, status: Int)
        do {
            response = try await send(request)
        } catch {
            throw BillingError.Unexpected(code: "api.network", message: error.localizedDescription)
        }
        guard response.status == 200 else {
            throw BillingError.Refused(
                code: "api.http_\(response.status)", message: "Сервер відповів \(response.status)")
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// One request with a completion handler (available on every platform's Foundation).
    private func send(_ request: URLRequest) async throws -> (body: Data, status: Int) {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error = error {
                    continuation.resume(throwing: error)
                } else {
                    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                    continuation.resume(returning: (body: data ?? Data(), status: status))
                }
            }.resume()
        }
    }
}

// MARK: - What the screen shows (formatting only)

/// The billing company's public requisites for bank transfers, from the app's configuration.
struct BankTransferReceiver: Sendable {
    let name: String
    let iban: String
    let code: String
}

/// One invoice, ready to show.
struct InvoiceRow: Identifiable {
    let id: String
    let title: String
    let total: String
    let owed: String?
    let status: String
    let isOverdue: Bool
    let payURL: URL?
    let linkExpires: String?
    let lines: [(description: String, amount: String)]
    let totalInWords: String
    /// The NBU QR code's URL for paying what is owed by bank transfer, while something is owed.
    let bankTransferQR: String?
}

/// One tariff limit, ready to show.
struct LimitRow: Identifiable {
    let id: String
    let title: String
    let usage: String
    let note: String?
    let isWarning: Bool
}

/// The top banner.
enum AccessBanner {
    case paymentDue(owed: String)
    case blocked(owed: String)
}

/// Everything the screen shows, formatted.
struct BillingScreenContent {
    let banner: AccessBanner?
    let tariff: String?
    let paidPeriod: String?
    let limits: [LimitRow]
    let totalOwed: String
    let credit: String?
    let autopay: String
    let invoices: [InvoiceRow]
    let upgrades: [String]
    let asOf: String

    init(_ section: BillingSection, receiver: BankTransferReceiver) {
        let owed = Format.money(section.totalOwed)
        switch section.access {
        case .active:
            banner = nil
        case .paymentDue:
            banner = .paymentDue(owed: owed)
        case .blocked:
            banner = .blocked(owed: owed)
        }
        if let tariff = section.tariff {
            self.tariff = "\(tariff.name), \(tariff.periodMonths) міс."
            paidPeriod = "\(Format.day(tariff.periodStart)) – \(Format.day(tariff.periodEnd))"
        } else {
            tariff = nil
            paidPeriod = nil
        }
        var limits: [LimitRow] = []
        if let products = section.tariff?.products {
            limits.append(Format.limit(products, id: "products", title: "Товари"))
        }
        if let orders = section.tariff?.ordersThisMonth {
            limits.append(Format.limit(orders, id: "orders", title: "Замовлення цього місяця"))
        }
        self.limits = limits
        totalOwed = owed
        credit = section.openCredit == Foundation.Decimal.zero ? nil : Format.money(section.openCredit)
        if let pan = section.paymentMethod.cardMaskedPan, section.paymentMethod.autopay {
            autopay = "Автооплата карткою \(pan)"
        } else if section.paymentMethod.bankTransferOnly {
            autopay = "Лише банківський переказ"
        } else {
            autopay = "Автооплату вимкнено"
        }
        invoices = section.invoices.map { Format.invoice($0, receiver: receiver) }
        upgrades = section.additionalFeatures.map { feature in
            "\(feature.feature): тариф «\(feature.cheapestTariff)»"
        }
        asOf = Format.instant(section.asOf)
    }
}

/// Presentation only: how numbers, days and states read in Ukrainian.
enum Format {
    /// `1 200,50 грн`, by the core (the same text as on the invoice PDF).
    static func money(_ amount: Foundation.Decimal) -> String {
        (try? formatMoneyDocument(amount: amount)) ?? "\(amount) грн"
    }

    /// A calendar day (`2026-03-16`) as `16.03.2026`: a day, so no time zone is involved.
    static func day(_ date: CalendarDate) -> String {
        let parts = date.split(separator: "-")
        guard parts.count == 3 else { return date }
        return "\(parts[2]).\(parts[1]).\(parts[0])"
    }

    /// An instant in Kyiv time, as the billing rules read it.
    static func instant(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "uk_UA")
        formatter.timeZone = TimeZone(identifier: "Europe/Kyiv")
        formatter.dateFormat = "dd.MM.yyyy HH:mm"
        return formatter.string(from: date)
    }

    static func status(_ status: InvoiceStatus) -> String {
        switch status {
        case .open:
            return "Очікує оплати"
        case .paid:
            return "Оплачено"
        case .cancelled:
            return "Скасовано"
        }
    }

    static func limit(_ check: LimitCheck, id: String, title: String) -> LimitRow {
        let usage = check.limit.map { "\(check.used) з \($0)" } ?? "\(check.used), без обмежень"
        let note: String?
        switch check.state {
        case .within:
            note = nil
        case .near:
            note = "Залишилось \(check.remaining ?? 0)"
        case .reached:
            note = "Ліміт вичерпано"
        case .exceeded:
            note = "Ліміт перевищено: оберіть більший тариф"
        }
        return LimitRow(id: id, title: title, usage: usage, note: note, isWarning: check.state != .within)
    }

    static func invoice(_ invoice: SectionInvoice, receiver: BankTransferReceiver) -> InvoiceRow {
        let isOwed = invoice.owed != Foundation.Decimal.zero
        let paymentLink = invoice.link
        var qr: String? = nil
        if isOwed {
            qr = try? bankTransferQR(invoice, receiver: receiver).url
        }
        return InvoiceRow(
            id: invoice.number.value,
            title: "Рахунок № \(invoice.number.value) від \(day(invoice.issuedOn))",
            total: money(invoice.total),
            owed: isOwed ? money(invoice.owed) : nil,
            status: invoice.overdue ? "Прострочено" : status(invoice.status),
            isOverdue: invoice.overdue,
            payURL: paymentLink?.url.flatMap { URL(string: $0) },
            linkExpires: paymentLink.map { link in "Посилання діє до \(instant(link.expiresAt))" },
            lines: invoice.lines.map { line in (description: line.description, amount: money(line.amount)) },
            totalInWords: (try? amountInWords(amount: invoice.total)) ?? "",
            bankTransferQR: qr
        )
    }

    /// The NBU QR code for paying what is owed on `invoice` by bank transfer; the core checks the
    /// requisites and writes the purpose with the exact invoice number.
    static func bankTransferQR(_ invoice: SectionInvoice, receiver: BankTransferReceiver) throws
        -> PaymentQrCode
    {
        try paymentQr(
            request: PaymentQrRequest(
                format: .v002,
                receiverName: receiver.name,
                iban: receiver.iban,
                receiverCode: receiver.code,
                amount: invoice.owed,
                invoiceNumber: invoice.number.value
            ))
    }

    /// What to say under a requisites field while the owner types (nil: nothing to say).
    static func taxIdHint(_ input: String) -> String? {
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 8 else { return nil }
        do {
            switch try parseTaxId(input: trimmed) {
            case .company(let edrpou):
                return "ЄДРПОУ \(edrpou.value)"
            case .soleProprietor(let rnokpp):
                return "РНОКПП \(rnokpp.value), ФОП"
            }
        } catch let error as BillingError {
            return error.message
        } catch {
            return nil
        }
    }

    /// The IBAN's bank while the owner types it (`АТ «Укрексімбанк»`), or why it is not valid yet.
    static func ibanHint(_ input: String) -> String? {
        guard input.count >= 29 else { return nil }
        guard isValidIban(input: input) else { return "Перевірте IBAN" }
        return (try? parseIban(input: input))?.bankName
    }
}

// MARK: - Loading

/// What the screen is showing.
enum BillingScreenState {
    case loading
    case loaded(BillingScreenContent)
    case failed(code: String, message: String)
}

/// Loads and formats the section; no UI, so it runs (and is tested) anywhere.
struct BillingScreenLoader: Sendable {
    let source: BillingSectionSource
    let receiver: BankTransferReceiver

    func load() async -> BillingScreenState {
        do {
            let section = try await loadBillingSection(source: source)
            return .loaded(BillingScreenContent(section, receiver: receiver))
        } catch let error as BillingError {
            // `section.json` / `section.schema`: the backend sent something this app version cannot
            // read (an update may be needed); `api.*`: from BillingApiClient above.
            return .failed(code: error.code, message: error.message)
        } catch {
            return .failed(code: "app.unknown", message: error.localizedDescription)
        }
    }
}

// MARK: - The SwiftUI screen

#if canImport(SwiftUI)
    struct BillingScreen: View {
        let loader: BillingScreenLoader
        @State private var state: BillingScreenState = .loading
        @Environment(\.openURL) private var openURL

        var body: some View {
            Group {
                switch state {
                case .loading:
                    ProgressView()
                case .failed(let code, let message):
                    VStack(spacing: 12) {
                        Text(message)
                        Text(code).font(.caption).foregroundColor(.secondary)
                        Button("Спробувати ще") { Task { state = await loader.load() } }
                    }
                case .loaded(let content):
                    sectionList(content)
                }
            }
            .navigationTitle("Оплата")
            .task { state = await loader.load() }
        }

        private func sectionList(_ content: BillingScreenContent) -> some View {
            List {
                if let banner = content.banner {
                    Section {
                        switch banner {
                        case .paymentDue(let owed):
                            Label("До сплати \(owed)", systemImage: "clock")
                        case .blocked(let owed):
                            Label("Адмінку заблоковано: сплатіть \(owed)", systemImage: "lock")
                                .foregroundColor(.red)
                        }
                    }
                }
                Section("Тариф") {
                    Text(content.tariff ?? "Тариф не обрано")
                    if let period = content.paidPeriod { Text("Оплачено: \(period)") }
                    ForEach(content.limits) { limit in
                        VStack(alignment: .leading) {
                            Text("\(limit.title): \(limit.usage)")
                            if let note = limit.note {
                                Text(note).font(.caption).foregroundColor(limit.isWarning ? .orange : .secondary)
                            }
                        }
                    }
                    ForEach(content.upgrades, id: \.self) { Text($0).font(.caption) }
                }
                Section("Оплата") {
                    Text("Заборгованість: \(content.totalOwed)")
                    if let credit = content.credit { Text("Переплата: \(credit)") }
                    Text(content.autopay)
                }
                Section("Рахунки") {
                    ForEach(content.invoices) { row in
                        VStack(alignment: .leading, spacing: 4) {
                            Text(row.title).font(.headline)
                            Text("\(row.total) · \(row.status)")
                                .foregroundColor(row.isOverdue ? .red : .primary)
                            Text(row.totalInWords).font(.caption)
                            if let owed = row.owed, let url = row.payURL {
                                Button("Сплатити \(owed) карткою") { openURL(url) }
                                if let expires = row.linkExpires { Text(expires).font(.caption2) }
                            }
                            if let qr = row.bankTransferQR, let image = Self.qrImage(qr) {
                                image.interpolation(.none).resizable().frame(width: 160, height: 160)
                            }
                        }
                    }
                }
                Section { Text("Станом на \(content.asOf)").font(.caption) }
            }
            .refreshable { state = await loader.load() }
        }

        /// The QR image of an NBU payment URL (CoreImage), for the payer's banking app.
        private static func qrImage(_ url: String) -> Image? {
            #if canImport(CoreImage)
                guard let filter = CIFilter(name: "CIQRCodeGenerator") else { return nil }
                filter.setValue(Data(url.utf8), forKey: "inputMessage")
                filter.setValue("M", forKey: "inputCorrectionLevel")
                guard let output = filter.outputImage,
                    let cgImage = CIContext().createCGImage(output, from: output.extent)
                else { return nil }
                return Image(decorative: cgImage, scale: 1)
            #else
                return nil
            #endif
        }
    }
#endif
