import { Link } from "react-router";

/** The mark: an orbit around a core, "mission control" at a glance. */
export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <circle cx="16" cy="16" r="8.5" fill="none" stroke="var(--accent-text)" strokeWidth="2.4" opacity="0.55" />
      <circle cx="16" cy="16" r="3.6" fill="var(--accent-text)" />
      <circle cx="22.2" cy="10.2" r="2.3" fill="var(--accent-text)" />
    </svg>
  );
}

export function Brand() {
  return (
    <Link to="/" className="brand" aria-label="Omnara home">
      <BrandMark />
      <span>Omnara</span>
    </Link>
  );
}
