export function SkeletonCards({ count, label }: { count: number; label: string }) {
  return (
    <div className="family-grid" aria-busy="true" role="status" aria-label={label}>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="family-card family-card--skeleton" aria-hidden="true">
          <div className="skeleton skeleton--swatch" />
          <div className="family-card__body">
            <div className="skeleton skeleton--line" style={{ width: '70%' }} />
            <div className="skeleton skeleton--line" style={{ width: '50%' }} />
            <div className="skeleton skeleton--line" style={{ width: '40%' }} />
          </div>
        </div>
      ))}
    </div>
  );
}
