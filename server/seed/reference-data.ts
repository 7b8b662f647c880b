/**
 * Reference data. Codes, modifier meanings that are part of the CPT/HCPCS standards, practitioner
 * credentials and Kern County district names are public facts. Rates and CYBHI-specific usage rules
 * have NOT been verified against the DHCS fee schedule: they are labelled `sample` in
 * `source_version` / `notes` and must be replaced from the official schedule before real use.
 */
export const SAMPLE = 'sample (unverified; replace from the DHCS CYBHI fee schedule)';

export const MODIFIERS = [
  { code: 'HA', description: 'Child/adolescent program', required: false, notes: 'HCPCS Level II modifier.' },
  { code: 'HQ', description: 'Group setting', required: false, notes: 'HCPCS Level II modifier; use on group codes.' },
  { code: '93', description: 'Synchronous telemedicine service rendered via telephone or other real-time interactive audio-only system', required: false, notes: 'CPT modifier.' },
  { code: '95', description: 'Synchronous telemedicine service rendered via real-time interactive audio and video telecommunications system', required: false, notes: 'CPT modifier.' },
  { code: 'U1', description: 'Medicaid level of care 1, as defined by each state', required: false, notes: `State-defined; CYBHI usage: ${SAMPLE}.` },
  { code: 'U2', description: 'Medicaid level of care 2, as defined by each state', required: false, notes: `State-defined; CYBHI usage: ${SAMPLE}.` },
  { code: 'U4', description: 'Medicaid level of care 4, as defined by each state', required: false, notes: `State-defined; CYBHI usage: ${SAMPLE}.` },
];

export const PRACTITIONER_TYPES = [
  { code: 'MD', description: 'Physician (MD/DO), including psychiatrist' },
  { code: 'NP', description: 'Nurse practitioner' },
  { code: 'PSY', description: 'Licensed psychologist' },
  { code: 'LCSW', description: 'Licensed clinical social worker' },
  { code: 'LMFT', description: 'Licensed marriage and family therapist' },
  { code: 'LPCC', description: 'Licensed professional clinical counselor' },
  { code: 'ASW', description: 'Associate clinical social worker (registered associate)' },
  { code: 'AMFT', description: 'Associate marriage and family therapist (registered associate)' },
  { code: 'APCC', description: 'Associate professional clinical counselor (registered associate)' },
  { code: 'PPS-SC', description: 'Pupil Personnel Services credential: school counseling' },
  { code: 'PPS-SP', description: 'Pupil Personnel Services credential: school psychology' },
  { code: 'PPS-SSW', description: 'Pupil Personnel Services credential: school social work' },
  { code: 'CHW', description: 'Community health worker' },
  { code: 'CWC', description: 'Certified wellness coach' },
];

const LICENSED = ['MD', 'NP', 'PSY', 'LCSW', 'LMFT', 'LPCC'];
const ASSOCIATES = ['ASW', 'AMFT', 'APCC'];
const PPS = ['PPS-SC', 'PPS-SP', 'PPS-SSW'];

/** Procedure codes are public CPT/HCPCS codes (descriptions paraphrased); rates are samples. */
export const FEE_SCHEDULE_CODES = [
  { procedure_code: 'H2027', service_description: 'Psychoeducational service', service_category: 'Psychoeducation', time_increment_text: 'each 15 min', base_minutes: 15, rate_amount: 31.5, rate_unit: 'per 15 min', group: true, types: [...LICENSED, ...ASSOCIATES, ...PPS, 'CHW', 'CWC'], modifiers: ['HA', 'HQ', '93', '95'] },
  { procedure_code: 'H0025', service_description: 'Behavioral health prevention education service', service_category: 'Psychoeducation', time_increment_text: 'per session', base_minutes: null, rate_amount: 42, rate_unit: 'per session', group: true, types: [...LICENSED, ...ASSOCIATES, ...PPS, 'CHW', 'CWC'], modifiers: ['HA', 'HQ'] },
  { procedure_code: '96127', service_description: 'Brief emotional/behavioral assessment with scoring and documentation, per standardized instrument', service_category: 'Screenings/Assessments', time_increment_text: 'per instrument', base_minutes: null, rate_amount: 5.75, rate_unit: 'per instrument', group: false, types: [...LICENSED, ...ASSOCIATES, ...PPS, 'CHW', 'CWC'], modifiers: ['HA'] },
  { procedure_code: 'H0049', service_description: 'Alcohol and/or drug screening', service_category: 'Screenings/Assessments', time_increment_text: 'per screening', base_minutes: null, rate_amount: 24, rate_unit: 'per screening', group: false, types: [...LICENSED, ...ASSOCIATES, ...PPS, 'CHW'], modifiers: ['HA', '93', '95'] },
  { procedure_code: '90791', service_description: 'Psychiatric diagnostic evaluation', service_category: 'Screenings/Assessments', time_increment_text: 'per evaluation', base_minutes: 60, rate_amount: 183, rate_unit: 'per evaluation', group: false, types: [...LICENSED, ...ASSOCIATES], modifiers: ['HA', '93', '95'] },
  { procedure_code: '90832', service_description: 'Psychotherapy, 30 minutes with patient', service_category: 'Treatment', time_increment_text: '16-37 min', base_minutes: 30, rate_amount: 80.5, rate_unit: 'per session', group: false, types: [...LICENSED, ...ASSOCIATES, 'PPS-SP', 'PPS-SSW'], modifiers: ['HA', '93', '95'] },
  { procedure_code: '90834', service_description: 'Psychotherapy, 45 minutes with patient', service_category: 'Treatment', time_increment_text: '38-52 min', base_minutes: 45, rate_amount: 106, rate_unit: 'per session', group: false, types: [...LICENSED, ...ASSOCIATES, 'PPS-SP', 'PPS-SSW'], modifiers: ['HA', '93', '95'] },
  { procedure_code: '90837', service_description: 'Psychotherapy, 60 minutes with patient', service_category: 'Treatment', time_increment_text: '53 min or more', base_minutes: 60, rate_amount: 156, rate_unit: 'per session', group: false, types: [...LICENSED, ...ASSOCIATES, 'PPS-SP', 'PPS-SSW'], modifiers: ['HA', '93', '95'] },
  { procedure_code: '90846', service_description: 'Family psychotherapy without the patient present, 50 minutes', service_category: 'Treatment', time_increment_text: '50 min', base_minutes: 50, rate_amount: 110, rate_unit: 'per session', group: false, types: [...LICENSED, ...ASSOCIATES], modifiers: ['HA', '95'] },
  { procedure_code: '90847', service_description: 'Family psychotherapy with the patient present, 50 minutes', service_category: 'Treatment', time_increment_text: '50 min', base_minutes: 50, rate_amount: 114, rate_unit: 'per session', group: false, types: [...LICENSED, ...ASSOCIATES], modifiers: ['HA', '95'], dyadic: true },
  { procedure_code: '90853', service_description: 'Group psychotherapy (other than of a multiple-family group)', service_category: 'Treatment', time_increment_text: 'per session', base_minutes: null, rate_amount: 30, rate_unit: 'per member per session', group: true, types: [...LICENSED, ...ASSOCIATES], modifiers: ['HA', 'HQ', '95'] },
  { procedure_code: '90785', service_description: 'Interactive complexity (add-on to psychotherapy codes)', service_category: 'Treatment', time_increment_text: 'add-on', base_minutes: null, rate_amount: 15, rate_unit: 'per session', group: false, types: [...LICENSED, ...ASSOCIATES], modifiers: [], addOn: '90832' },
  { procedure_code: 'T1017', service_description: 'Targeted case management', service_category: 'Case Mgmt/Care Coordination', time_increment_text: 'each 15 min', base_minutes: 15, rate_amount: 28, rate_unit: 'per 15 min', group: false, types: [...LICENSED, ...ASSOCIATES, ...PPS, 'CHW'], modifiers: ['HA', 'U1', '93', '95'] },
  { procedure_code: 'G9012', service_description: 'Other specified case management service', service_category: 'Case Mgmt/Care Coordination', time_increment_text: 'per service', base_minutes: null, rate_amount: 26, rate_unit: 'per service', group: false, types: [...LICENSED, ...ASSOCIATES, ...PPS, 'CHW', 'CWC'], modifiers: ['HA', 'U2', 'U4'] },
];

export const QUALIFICATIONS = [
  { type: 'License', code: 'CA-LCSW', description: 'Licensed Clinical Social Worker (California BBS)', jurisdiction: 'California', requirements: ['Master of Social Work', '3,000 supervised hours', 'BBS clinical exam'] },
  { type: 'License', code: 'CA-LMFT', description: 'Licensed Marriage and Family Therapist (California BBS)', jurisdiction: 'California', requirements: ['Qualifying master\'s degree', '3,000 supervised hours', 'BBS clinical exam'] },
  { type: 'License', code: 'CA-LPCC', description: 'Licensed Professional Clinical Counselor (California BBS)', jurisdiction: 'California', requirements: ['Qualifying master\'s degree', '3,000 supervised hours', 'NCMHCE'] },
  { type: 'License', code: 'CA-PSY', description: 'Licensed Psychologist (California Board of Psychology)', jurisdiction: 'California', requirements: ['Doctoral degree', 'Supervised professional experience', 'EPPP and CPLEE'] },
  { type: 'Credential', code: 'PPS-SC', description: 'Pupil Personnel Services Credential: School Counseling (CTC)', jurisdiction: 'California', requirements: ['Post-baccalaureate program', 'Fieldwork'] },
  { type: 'Credential', code: 'PPS-SP', description: 'Pupil Personnel Services Credential: School Psychology (CTC)', jurisdiction: 'California', requirements: ['Post-baccalaureate program', 'Fieldwork'] },
  { type: 'Credential', code: 'PPS-SSW', description: 'Pupil Personnel Services Credential: School Social Work (CTC)', jurisdiction: 'California', requirements: ['Master of Social Work', 'Fieldwork'] },
  { type: 'Certificate', code: 'CHW-CERT', description: 'Community Health Worker certificate', jurisdiction: 'California', requirements: ['Training program or work experience'] },
  { type: 'Certificate', code: 'CWC', description: 'Certified Wellness Coach (HCAI)', jurisdiction: 'California', requirements: ['Qualifying education', 'Certification exam'] },
  { type: 'Registration', code: 'BBS-ASSOC', description: 'BBS associate registration (ASW, AMFT, APCC)', jurisdiction: 'California', requirements: ['Qualifying master\'s degree', 'Live Scan'] },
];

export const BILLING_CODES = [
  { code: '96127', type: 'Assessment', description: 'Brief emotional/behavioral assessment', unit: 'per instrument', rate: 4.5, eligible_practitioners: ['LCSW', 'LMFT', 'PSY', 'PPS-SP'] },
  { code: '90832', type: 'Treatment', description: 'Psychotherapy, 30 minutes', unit: 'per session', rate: 62, eligible_practitioners: ['LCSW', 'LMFT', 'LPCC', 'PSY'] },
  { code: '90837', type: 'Treatment', description: 'Psychotherapy, 60 minutes', unit: 'per session', rate: 120, eligible_practitioners: ['LCSW', 'LMFT', 'LPCC', 'PSY'] },
  { code: 'T1017', type: 'Case Management', description: 'Targeted case management', unit: 'per 15 min', rate: 21, eligible_practitioners: ['LCSW', 'PPS-SSW', 'CHW'] },
  { code: '92507', type: 'Treatment', description: 'Speech/language treatment, individual', unit: 'per session', rate: 55, eligible_practitioners: ['SLP'] },
  { code: '97110', type: 'Treatment', description: 'Therapeutic exercises (physical therapy)', unit: 'per 15 min', rate: 25, eligible_practitioners: ['PT'] },
];

/** Kern County school districts (public names) and the county office itself. */
export const DISTRICTS = [
  'Kern County Superintendent of Schools',
  'Bakersfield City School District',
  'Kern High School District',
  'Panama-Buena Vista Union School District',
  'Fruitvale School District',
  'Delano Joint Union High School District',
  'Wasco Union Elementary School District',
  'Tehachapi Unified School District',
  'Arvin Union School District',
  'Sierra Sands Unified School District',
];
