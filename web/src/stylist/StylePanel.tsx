import { memo, useId, useState } from 'react';
import type { Cut } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { ChoiceIcon } from './OptionIcon.tsx';
import { blockedValues, chooseStyle, optionLabel, resolvedStyle, STYLE_GROUPS, valueLabel, type StyleChoices } from './styleOptions.ts';

/**
 * The configurator: the cut's style options in groups (jacket open, the rest folded), each value a
 * drawing with its name. Every choice is a new live preview, as fast as a colour tap. The cloth's
 * colour comes through ClothColour (OptionIcon.tsx), so a colour tap does not re-render the panel.
 */
export const StylePanel = memo(function StylePanel({ cut, choices, onChange }: { cut: Cut; choices: StyleChoices; onChange(choices: StyleChoices): void }) {
  const tr = useI18n();
  const { t } = tr;
  const titleId = useId();
  const [note, setNote] = useState<string>();
  if (!cut.options.length) return null;
  const full = resolvedStyle(cut, choices);
  const offered = new Set(cut.options.map((o) => o.id));
  const changed = Object.keys(choices).length;

  const choose = (option: string, value: string) => {
    const next = chooseStyle(cut, choices, option, value);
    setNote(
      next.adjusted
        ? t('fitting.styleAdjusted', {
            option: optionLabel(next.adjusted.option, tr),
            value: valueLabel(next.adjusted.option, next.adjusted.value, tr).toLowerCase(),
            chosen: `${optionLabel(option, tr).toLowerCase()} ${valueLabel(option, value, tr).toLowerCase()}`,
          })
        : undefined,
    );
    onChange(next.choices);
  };

  return (
    <section className="panel-section style-panel" aria-labelledby={titleId} data-testid="style-panel">
      <div className="style-panel__head">
        <h3 id={titleId} className="panel-title">
          {t('fitting.style')}
        </h3>
        {changed > 0 && (
          <button type="button" className="button button--quiet button--small" onClick={() => (setNote(undefined), onChange({}))} data-testid="style-reset">
            {t('fitting.styleReset')}
          </button>
        )}
      </div>
      {note && (
        <p className="hint" role="status" data-testid="style-note">
          {note}
        </p>
      )}
      {STYLE_GROUPS.map((group) => {
        const options = group.options.filter((id) => offered.has(id));
        if (!options.length) return null;
        return (
          <details key={group.id} className="style-group" open={group.id === 'jacket'} data-group={group.id}>
            <summary>{t(`fitting.styleGroup.${group.id}` as MessageKey)}</summary>
            {options.map((id) => {
              const option = cut.options.find((o) => o.id === id)!;
              const blocked = blockedValues(cut, choices, id);
              const labelId = `${titleId}-${id}`;
              return (
                <div key={id} className="style-option">
                  <span id={labelId} className="style-option__label">
                    {optionLabel(id, tr)}
                  </span>
                  <div className="style-option__values" role="radiogroup" aria-labelledby={labelId}>
                    {option.values.map((v) => {
                      const checked = full[id] === v.id;
                      return (
                        <button
                          key={v.id}
                          type="button"
                          role="radio"
                          aria-checked={checked}
                          disabled={blocked.has(v.id)}
                          className={`style-value${checked ? ' style-value--on' : ''}`}
                          onClick={() => !checked && choose(id, v.id)}
                          data-option={id}
                          data-value={v.id}
                        >
                          <ChoiceIcon option={id} value={v.id} />
                          <span className="style-value__name">{valueLabel(id, v.id, tr)}</span>
                        </button>
                      );
                    })}
                  </div>
                </div>
              );
            })}
          </details>
        );
      })}
    </section>
  );
});
