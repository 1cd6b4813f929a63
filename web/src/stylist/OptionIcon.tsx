import { createContext, memo, useContext } from 'react';

/**
 * Small drawings of each style choice, so an associate and a client see the difference at a glance
 * (the buttons also carry the words). Line work in currentColor; trims are their own colours.
 */
const FILLS: Record<string, Record<string, string>> = {
  buttons: { 'horn-dark': '#3b2a20', 'horn-light': '#b48d64' },
  shirt: { white: '#f7f6f1', 'light-blue': '#c9dcf0' },
  tie: { burgundy: '#6b1f2d', navy: '#1f2a48', silver: '#b8bcc2', forest: '#2e4a36' },
  shoes: { black: '#161616', brown: '#5b3a24' },
};

function dots(points: Array<[number, number]>) {
  return points.map(([x, y]) => <circle key={`${x},${y}`} cx={x} cy={y} r={1.7} fill="currentColor" stroke="none" />);
}

function drawing(option: string, value: string, clothHex?: string) {
  switch (option) {
    case 'lapel':
      // The left lapel of a jacket: gorge and notch, a peak pointing up, or a shawl's one curve.
      if (value === 'peak') return <path d="M16 29L9 12l-1-7 7 4-1-4 6 3-5 21" />;
      if (value === 'shawl') return <path d="M16 29C12 22 8 14 9 5c4 1 7 3 8 6l-1 18" />;
      return <path d="M16 29L9 12l-1-6 6 4 1-3 5 2-4 20" />;
    case 'lapelWidth': {
      const w = value === 'slim' ? 4 : value === 'wide' ? 10 : 7;
      return <path d={`M16 29L${16 - w} 10l-1-5 ${w / 2 + 2} 3 M16 29l${w / 2} -20`} />;
    }
    case 'fastening': {
      const sb = {
        sb1: [[16, 18]],
        sb2: [
          [16, 14],
          [16, 21],
        ],
        sb3: [
          [16, 11],
          [16, 17],
          [16, 23],
        ],
      } as Record<string, Array<[number, number]>>;
      const db = {
        db6x2: [
          [12, 11],
          [20, 11],
          [12, 17],
          [20, 17],
          [12, 23],
          [20, 23],
        ],
        db4x1: [
          [12, 14],
          [20, 14],
          [12, 21],
          [20, 21],
        ],
      } as Record<string, Array<[number, number]>>;
      return (
        <>
          <path d={value.startsWith('db') ? 'M7 5l15 4v22M25 5l-6 3' : 'M8 5l8 5 8-5M16 10v21'} />
          {dots(sb[value] ?? db[value] ?? [])}
        </>
      );
    }
    case 'pockets':
      if (value === 'patch') return <path d="M8 12h16v12a3 3 0 01-3 3H11a3 3 0 01-3-3z" />;
      if (value === 'jetted') return <path d="M6 16h20M6 18h20" />;
      return <path d="M7 13h18v6H7zM7 19v6h18v-6" />;
    case 'ticketPocket':
      return (
        <>
          <path d="M6 19h18v5H6z" />
          {value === 'yes' && <path d="M14 11h11v4H14z" />}
        </>
      );
    case 'breastPocket':
      return (
        <>
          <path d="M5 5c3 2 5 6 6 12M27 5c-3 2-5 6-6 12" />
          {value === 'yes' ? <path d="M19 14l7-1v2l-7 1z" /> : <path d="M19 15l7-1" strokeDasharray="1.5 2" />}
        </>
      );
    case 'vents':
      return (
        <>
          <path d="M6 6h20v21H6z" />
          {value === 'single' && <path d="M16 18v9" />}
          {value === 'double' && <path d="M10 18v9M22 18v9" />}
        </>
      );
    case 'trouserFront':
      return (
        <>
          <path d="M7 5h18l-2 24h-5l-2-16-2 16H9z" />
          {value === 'pleated' && <path d="M11 6v6M21 6v6M13 6v4M19 6v4" />}
        </>
      );
    case 'trouserHem':
      return (
        <>
          <path d="M9 4h14v20H9z" />
          {value === 'turnups' && <path d="M8 20h16v6H8z" />}
        </>
      );
    case 'waistcoat':
      if (value === 'none') return <path d="M8 6l8 8 8-8M16 14v15" strokeDasharray="2 2" />;
      return (
        <>
          <path d="M8 5l8 10 8-10v22l-8 2-8-2z" />
          {dots(
            value === 'db'
              ? [
                  [13, 18],
                  [19, 18],
                  [13, 23],
                  [19, 23],
                ]
              : [
                  [16, 18],
                  [16, 22],
                  [16, 26],
                ],
          )}
        </>
      );
    default: {
      const fill = usesClothColour(option, value) ? (clothHex ?? '#777') : FILLS[option]?.[value];
      if (option === 'tie') {
        if (value === 'none') return <path d="M10 8l12 16M22 8L10 24" />;
        return <path d="M14 5h4l-1 4 3 15-4 4-4-4 3-15z" fill={fill} />;
      }
      if (option === 'shoes') return <path d="M4 22c0-4 2-7 6-7 3 4 8 5 13 5 3 0 5 1 5 3v2H4z" fill={fill} />;
      if (option === 'shirt') return <path d="M10 6l6 4 6-4 6 5-3 4-3-1v14H10V14l-3 1-3-4z" fill={fill} />;
      return (
        <>
          <circle cx="16" cy="16" r="9" fill={fill} />
          <circle cx="13.5" cy="13.5" r="1" fill="#fff" stroke="none" />
          <circle cx="18.5" cy="13.5" r="1" fill="#fff" stroke="none" />
          <circle cx="13.5" cy="18.5" r="1" fill="#fff" stroke="none" />
          <circle cx="18.5" cy="18.5" r="1" fill="#fff" stroke="none" />
        </>
      );
    }
  }
}

/** Whether a choice's drawing is in the cloth's colour (the others do not change with a colour tap). */
export const usesClothColour = (option: string, value: string) => option === 'buttons' && value === 'matching';

export const OptionIcon = memo(function OptionIcon({
  option,
  value,
  clothHex,
  size = 32,
}: {
  option: string;
  value: string;
  clothHex?: string;
  size?: number;
}) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 32 32"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      data-icon={`${option}.${value}`}
    >
      {drawing(option, value, clothHex)}
    </svg>
  );
});

/** The colour of the catalogue cloth on the suit (none with a photographed cloth): the "matching" buttons' drawing wears it. */
export const ClothColour = createContext<string | undefined>(undefined);

function ClothColouredIcon({ option, value }: { option: string; value: string }) {
  return <OptionIcon option={option} value={value} clothHex={useContext(ClothColour)} />;
}

/**
 * A style choice's drawing. The one in the cloth's colour reads it from ClothColour: a colour tap then
 * re-renders that drawing alone, not the whole style panel with its every button and label.
 */
export function ChoiceIcon({ option, value }: { option: string; value: string }) {
  return usesClothColour(option, value) ? <ClothColouredIcon option={option} value={value} /> : <OptionIcon option={option} value={value} />;
}
