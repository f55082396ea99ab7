// The bundle's plain types (requests, reports, the manifest, limits) live in BundleModel so that `casevault`
// can use them without linking the PDF libraries; a program that imports MeetingBundle sees them as before.
@_exported import BundleModel
